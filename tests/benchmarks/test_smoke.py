"""Smoke test of the benchmark: `benchmarks/run.py --quick` (about a second a scenario) prints its table
with a row per scenario, and every measured request found its entity (no 404, no error status). No
timing is asserted: the numbers of a one-second run on a shared machine mean nothing."""

import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.providers import discover

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"
sys.path.insert(0, str(RUN.parent))

from scenarios import SCENARIOS

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


def test_quick_run_prints_a_row_per_scenario_and_no_request_fails(wrk):
    done = subprocess.run([sys.executable, str(RUN), "--quick"], check=False, capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = table(done.stdout, "scenario")
    providers = {provider.id for provider in discover()} | {"control"}
    assert any(name.startswith("floor") for name in rows)
    for scenario in SCENARIOS:
        row = rows[scenario.name]
        if scenario.provider not in providers:
            assert row["note"].startswith("skipped"), row
            continue
        assert row["req/s"] != "-", f"{scenario.name} was not measured: {row['note']}"
        assert row["non-2xx"] == "0", f"{scenario.name}: {row['non-2xx']} error answers ({row['note']})"
        if scenario.moved:
            moved, sampled = row["state moved"].split("/")
            assert moved == sampled, f"{scenario.name}: only {row['state moved']} sampled entities moved"
    assert "404" not in "".join(row["note"] for row in rows.values())
    facts = table(done.stdout, "measure")
    assert any(name.startswith("ready") for name in facts)
    assert any(name.startswith("RSS holding") for name in facts)
