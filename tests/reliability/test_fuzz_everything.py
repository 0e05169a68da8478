"""schemathesis over the combined /openapi.json — every provider and the control plane — against the
real server, with every phase (examples, coverage, fuzzing, stateful through the OpenAPI links) and every
check, as the README says: from an empty folder, with the settings mockserver ships
(`--config-file "$(mockserver --schemathesis-config)"`), so nothing of the repository helps it. Bounded for
CI; docs/reliability.md gives the command for a longer local run."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support import ServerProcess

EXAMPLES = os.environ.get("MOCKSERVER_FUZZ_EXAMPLES", "10")


def _schemathesis() -> list[str]:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


def _shipped_config() -> str:
    done = subprocess.run([sys.executable, "-m", "mockserver", "--schemathesis-config"], capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_schemathesis_finds_nothing_anywhere(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with ServerProcess("--token", "fuzz", "--strict") as server:
        result = subprocess.run(
            [*_schemathesis(), "--config-file", _shipped_config(), "run", f"{server.base_url}/openapi.json",
             "-H", "Authorization: Bearer fuzz",
             "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", EXAMPLES,
             "--seed", "20261124", "--report-dir", str(tmp_path)],
            cwd=empty, capture_output=True, text=True, timeout=900)
        health = httpx.get(f"{server.base_url}/__mock/health").json()
    summary = result.stdout[-4000:]
    assert result.returncode == 0, summary
    assert " passed" in summary and "failure" not in summary.split("SUMMARY")[-1], summary
    assert health["contract_violations"] == 0
