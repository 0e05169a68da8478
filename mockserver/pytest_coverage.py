"""The plugin's coverage report: which documented outcomes and state-machine transitions the test session
exercised on its mockserver (mockserver.coverage).

`--mockserver-coverage` prints a "mockserver coverage" section, `--mockserver-coverage-json PATH` writes
the session's report, `--mockserver-coverage-fail-under PCT` fails the run below PCT percent of documented
outcomes. The session's server is asked for its server-scope report just before it stops (minus what it
had already seen when the session found it, for a server someone else started: `mockserver_url`). Under
pytest-xdist each worker runs its own server and hands its report to the controller (`workeroutput`),
which sums them."""

import json
from pathlib import Path
from typing import Any

import pytest

from mockserver import coverage

WORKER_KEY = "mockserver_coverage"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption("--mockserver-coverage", action="store_true", default=False,
                    help="print which documented outcomes and transitions the tests exercised on mockserver")
    group.addoption("--mockserver-coverage-json", metavar="PATH", default=None,
                    help="write the session's mockserver coverage report (JSON) to PATH")
    group.addoption("--mockserver-coverage-fail-under", metavar="PCT", type=float, default=None,
                    help="fail the run if fewer than PCT percent of documented outcomes were exercised")


class CoverageReporter:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.print = config.getoption("mockserver_coverage")
        self.json_path = config.getoption("mockserver_coverage_json")
        self.fail_under = config.getoption("mockserver_coverage_fail_under")
        self.reports: list[dict[str, Any]] = []
        self.failed_under: float | None = None

    @property
    def wanted(self) -> bool:
        return bool(self.print or self.json_path or self.fail_under is not None)

    def add(self, report: dict[str, Any]) -> None:
        self.reports.append(report)
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller reports
            workeroutput[WORKER_KEY] = json.dumps(coverage.merge(self.reports))

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
        if data:
            self.reports.append(json.loads(data))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.wanted or hasattr(self.config, "workeroutput"):
            return
        merged = coverage.merge(self.reports)
        if self.json_path and merged is not None:
            Path(self.json_path).write_text(json.dumps(merged, indent=2) + "\n")
        if self.fail_under is not None:
            exercised = coverage.share(merged) if merged is not None else 0.0
            if exercised < self.fail_under:
                self.failed_under = exercised
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workeroutput") or not (self.print or self.failed_under is not None):
            return
        write = terminalreporter.write_line
        terminalreporter.write_sep("=", "mockserver coverage")
        merged = coverage.merge(self.reports)
        if merged is None:
            write("no test used the mockserver fixture: nothing was exercised")
        elif self.print:
            for line in summary_lines(merged):
                write(line)
        if self.failed_under is not None:
            write(f"FAIL: {self.failed_under:.1f}% of documented outcomes exercised, "
                  f"under --mockserver-coverage-fail-under {self.fail_under:g}")


def summary_lines(document: dict[str, Any]) -> list[str]:
    total = document["summary"]
    lines = [f"documented outcomes exercised: {total['outcomes']['exercised']}/{total['outcomes']['documented']} "
             f"({coverage.share(document):.1f}%); transitions: "
             f"{total['transitions']['exercised']}/{total['transitions']['total']}"]
    for pid, body in document["providers"].items():
        summary = body["summary"]
        lines.append(f"{pid}: outcomes {summary['outcomes']['exercised']}/{summary['outcomes']['documented']}, "
                     f"transitions {summary['transitions']['exercised']}/{summary['transitions']['total']}")
        never_outcomes, never_moves = coverage.missing(body)
        for title, items in (("never answered", never_outcomes), ("never exercised", never_moves)):
            if items:
                lines += _wrapped(f"  {title}: ", items)
    return lines


def _wrapped(head: str, items: list[str], width: int = 110) -> list[str]:
    """Items joined by commas over several lines, never breaking an item."""
    lines, line = [], head
    for index, item in enumerate(items):
        piece = item + ("," if index < len(items) - 1 else "")
        if len(line) + len(piece) > width and line.strip() and line != head:
            lines.append(line.rstrip())
            line = "    "
        line += piece + " "
    lines.append(line.rstrip())
    return lines
