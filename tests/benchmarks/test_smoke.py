"""Smoke test of the benchmark: `benchmarks/run.py --smoke` (one second of one small scenario, about two
seconds in all) prints its tables, and no measured request failed. No timing is asserted: the numbers of a
one-second run on a shared machine mean nothing. `--quick` (every scenario, about 40 s) and the full run
are run by hand (docs/performance.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"
sys.path.insert(0, str(RUN.parent))

from run import SMOKE_SCENARIO

WRK_MISSING = 3  # run.py --ensure-wrk: wrk absent and not installable here

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="the benchmark reads /proc")


@pytest.fixture(scope="module")
def wrk() -> None:
    """wrk, installed by the benchmark itself (apt-get) when it can be; a skip saying why when not."""
    done = subprocess.run([sys.executable, str(RUN), "--ensure-wrk"], check=False, capture_output=True, text=True, timeout=900)
    if done.returncode == WRK_MISSING:
        pytest.skip(f"wrk is not installed and cannot be installed here (no root or no network): "
                    f"{done.stderr.strip()}")
    assert done.returncode == 0, done.stderr


def table(output: str, first_header: str) -> dict[str, dict[str, str]]:
    """The markdown table whose first column is `first_header`, as {first cell: {header: cell}}."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} "))
    headers = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(headers, cells))
    return rows


def test_smoke_run_measures_its_scenario_and_no_request_fails(wrk):
    done = subprocess.run([sys.executable, str(RUN), "--smoke"], check=False, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = table(done.stdout, "fact")
    assert {"cores (nproc)", "mockserver source", "wrk"} <= set(facts)
    rows = table(done.stdout, "scenario")
    [(name, row)] = rows.items()  # one scenario, nothing else measured (no floor: a smoke run)
    assert name == SMOKE_SCENARIO
    assert float(row["req/s"]) > 0, row
    assert int(row["non-2xx"]) == 0, f"{row['non-2xx']} error answers ({row['note']})"
    assert "socket errors" not in row["note"] and "failed" not in row["note"], row


def test_the_in_process_harness_runs_a_scenario_and_the_floor():
    """`benchmarks/in_process.py` (CPU a request without sockets, docs/performance.md): a few requests of
    one scenario, each answered below 300 (the harness exits otherwise), and a figure for it and the floor."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "in_process.py"), "control clock",
                           "--requests", "50"], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    figures = {line.rsplit(" ", 4)[0].strip(): float(line.split()[-4]) for line in done.stdout.splitlines()
               if line.endswith("µs a request")}
    assert set(figures) == {"floor: one Starlette route", "control clock"}, done.stdout
    assert all(value > 0 for value in figures.values())
