"""What one run measures: start-up and idle memory, the floor, each scenario (seed, probe, warm up, reset,
measure, check that state moved), with an optional py-spy recording of each measured run."""

import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load import CONNECTIONS, THREADS, Load, wrk
from modes import Mode
from scenarios import SCENARIOS, Scenario, fill
from servers import HERE, PIN, Client, free_port, memory_mb, mockserver, pinned, serve, write_fixtures


def pyspy() -> str | None:
    """py-spy on PATH or beside this Python (a virtualenv's bin/)."""
    beside = Path(sys.executable).parent / "py-spy"
    return shutil.which("py-spy") or (str(beside) if beside.is_file() else None)


@dataclass
class Row:
    scenario: Scenario
    load: Load | None = None
    peak_mb: float | None = None
    seeded: int = 0
    note: str = ""
    moved: str = ""


@dataclass
class Results:
    facts: dict[str, str]
    load_before: float = field(default_factory=lambda: os.getloadavg()[0])
    ready_s: list[float] = field(default_factory=list)
    idle_mb: float = 0.0
    floor: list[Load] = field(default_factory=list)
    floor_peak_mb: float = 0.0
    rows: list[Row] = field(default_factory=list)
    scale: dict[str, Any] = field(default_factory=dict)
    sharded: dict[str, Any] = field(default_factory=dict)  # sharded.measure_sharded
    access_log: bool = True  # mockserver writes a line per request: the floor does the same

    @property
    def floor_rps(self) -> float:
        return statistics.mean(load.rps for load in self.floor) if self.floor else 0.0


def machine_facts() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    import starlette
    import uvicorn

    load = os.getloadavg()
    return {"cores (nproc)": str(os.cpu_count()), "CPU": cpu, "mockserver source": _source(),
            "Python": platform.python_version(), "uvicorn": uvicorn.__version__,
            "starlette": starlette.__version__, "wrk": _wrk_version(),
            "load average before the run": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            "floor's access log": "",  # filled in once mockserver's own behaviour is known
            "load generator": (f"wrk -t{THREADS} -c{CONNECTIONS}, pinned: server on CPU {min(PIN['server'])}, wrk on "
                               f"the other {len(PIN['wrk'])}" if PIN else
                               f"wrk -t{THREADS} -c{CONNECTIONS} on the same {os.cpu_count()} cores as the server")}


def _source() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True, timeout=10,
                              cwd=HERE.parent)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "mockserver", "contracts", "pyproject.toml"],
                               check=False, capture_output=True, text=True, timeout=10, cwd=HERE.parent)
    except OSError:
        return "? (no git)"
    if head.returncode != 0:
        return "? (not a git checkout)"
    changed = len(dirty.stdout.splitlines())
    return head.stdout.strip() + (f" + {changed} uncommitted changes under mockserver/, contracts/" if changed else "")


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], check=False, capture_output=True, text=True, timeout=10)
    return (done.stdout or done.stderr).split("[")[0].replace("wrk", "").strip() or "?"


def measure_startup(mode: Mode, tmp: Path, results: Results) -> bytes:
    """Ready time and idle memory of `mockserver` with the project's fixtures; returns a real cancel answer
    (the floor answers one of the same size), and notes whether mockserver writes an access log line per
    request (the floor then does too)."""
    first = SCENARIOS[0]
    folder = write_fixtures(tmp / "startup", {first.provider: first.seed(2)})
    payload = b""
    for attempt in range(mode.startups):
        port = free_port()
        with serve(mockserver(port, folder), port, tmp / "startup.log") as server:
            results.ready_s.append(server.ready_s)
            time.sleep(0.5)  # let start-up garbage settle before reading idle memory
            results.idle_mb = memory_mb(server.pid)["VmRSS"]
            if attempt == 0:
                client = Client(port, f"bench-startup-{uuid.uuid4().hex[:8]}")
                status, payload, _ = client.call(first.method, fill(first.path, first.first),
                                                 first.body)
                client.close()
                if status != 200:
                    raise RuntimeError(f"{first.name} probe answered {status}: {payload[:300]!r}")
                time.sleep(0.1)
                results.access_log = f"{first.method} {fill(first.path, first.first)} HTTP" in (
                    tmp / "startup.log").read_text(errors="replace")
    return payload


FLOOR = Scenario("floor", "floor", "POST", "/")  # names the floor's profile file


def measure_floor(mode: Mode, tmp: Path, payload: bytes, count: int, access_log: bool) -> tuple[Load, float]:
    first = SCENARIOS[0]
    (tmp / "floor.json").write_bytes(payload)
    route = re.sub(r"\{i(:[^}]*)?\}", "{id}", first.path).split("?")[0]
    port = free_port()
    command = [sys.executable, str(HERE / "floor.py"), "--port", str(port), "--method", first.method,
               "--route", route, "--payload", str(tmp / "floor.json"), "--access-log", "on" if access_log else "off"]
    with serve(command, port, tmp / "floor.log", health=None) as server:
        wrk(port, first, "floor", mode.warmup_s, count, tmp, server.pid)
        recorder = _record(server.pid, mode, FLOOR) if mode.profile else None
        load = wrk(port, first, "floor", mode.measure_s, count, tmp, server.pid)
        if recorder is not None:
            recorder.wait(timeout=60)
        return load, memory_mb(server.pid)["VmHWM"]


def measure_scenario(scenario: Scenario, mode: Mode, tmp: Path, providers: set[str]) -> Row:
    row = Row(scenario)
    if scenario.provider != "control" and scenario.provider not in providers:
        row.note = f"skipped: provider {scenario.provider} not discovered"
        return row
    count = scenario.entities or (mode.entities if scenario.walks else 0)
    for attempt in range(2):
        row.seeded = count
        seeds = {scenario.provider: scenario.seed(count)} if scenario.seed and count else {}
        folder = write_fixtures(tmp / "scenario", seeds)
        try:
            needed = _load_scenario(row, count, folder, mode, tmp, may_reseed=attempt == 0)
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            log = (tmp / "scenario.log").read_text(errors="replace").strip().splitlines()[-3:]
            row.note = f"failed: {type(error).__name__}: {error} | server log: {' / '.join(log)}"[:400]
            return row
        if needed is None:
            break
        count = needed
    return row


def _load_scenario(row: Row, count: int, folder: Path, mode: Mode, tmp: Path, may_reseed: bool) -> int | None:
    """Seed, probe, warm up, reset, measure. Returns the entity count to seed instead when the warm-up
    shows that the measured run would walk past the seeded entities (nothing is measured then)."""
    scenario = row.scenario
    port = free_port()
    token = f"bench-{scenario.provider}-{uuid.uuid4().hex[:8]}"
    with serve(mockserver(port, folder), port, tmp / "scenario.log") as server:
        client = Client(port, token, timeout=120)
        status, answer, _ = client.call("GET", "/__mock/clock")  # loads the tenant before any timing
        if status != 200:
            raise RuntimeError(f"loading the tenant answered {status}: {answer[:160].decode(errors='replace')}")
        # The probe takes the last entity, so the load starts on untouched ones.
        probe_path = fill(scenario.path, scenario.first + max(count - 1, 0))
        status, answer, _ = client.call(scenario.method, probe_path, scenario.body)
        if not 200 <= status < 300:
            row.note = f"probe {scenario.method} {probe_path} answered {status}: {answer[:160].decode(errors='replace')}"
            row.peak_mb = memory_mb(server.pid)["VmHWM"]
            return None
        if mode.warmup_s:
            warm = wrk(port, scenario, token, mode.warmup_s, count, tmp, server.pid)
            needed = int(warm.rps * (mode.measure_s + 1) * 1.3)
            if may_reseed and scenario.walks and not scenario.entities and needed > count:
                return needed
        client.close()
        client.call("POST", "/__mock/reset")  # every entity back to its seeded state for the measured run
        recorder = _record(server.pid, mode, scenario) if mode.profile else None
        row.load = wrk(port, scenario, token, mode.measure_s, count, tmp, server.pid)
        if recorder is not None:
            recorder.wait(timeout=60)
        client.close()
        row.peak_mb = memory_mb(server.pid)["VmHWM"]
        if scenario.walks and row.load.requests > count:
            row.note = f"ran past the {count} seeded entities: raise Mode.entities"
        if scenario.moved:
            row.moved = check_moved(client, scenario, min(row.load.requests, count))
        client.close()
    return None


def profile_file(mode: Mode, scenario: Scenario) -> Path:
    return mode.profile / (re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-") + ".txt")


def _record(pid: int, mode: Mode, scenario: Scenario) -> subprocess.Popen[bytes]:
    """py-spy sampling the server for the measured run. It pauses the server for each sample (without
    that, stacks read from a running process come out torn), so profiled runs are a little slower."""
    command = [pyspy(), "record", "--pid", str(pid), "--duration", str(mode.measure_s), "--rate", "250",
               "--format", "raw", "--output", str(profile_file(mode, scenario))]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=pinned("wrk"))  # noqa: PLW1509 - this script starts no threads


def check_moved(client: Client, scenario: Scenario, walked: int) -> str:
    """Sample the walked entities through the control plane: did the requests change their state?"""
    moved = scenario.moved
    # Thread k of 2 takes every other id and the threads need not keep pace, so stay well inside the
    # walk; and wrk asks thread 0 for one request it never sends, so id 0 stays untouched.
    samples = sorted({1, walked // 4, walked // 2})
    good = 0
    for k in samples:
        entity = fill(moved.entity, scenario.first + k)
        status, answer, _ = client.call("GET", f"/__mock/{scenario.provider}/{moved.collection}/{entity}")
        if status == 200 and json.loads(answer).get(moved.field) in moved.values:
            good += 1
        else:
            print(f"# not moved: {entity}: {status} {answer[:300]!r}", file=sys.stderr, flush=True)
    return f"{good}/{len(samples)}"
