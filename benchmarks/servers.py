"""The processes measured: free loopback ports, starting a server and waiting until it answers, its memory
and CPU from /proc, a keep-alive client, and the fixture folders the scenarios seed."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios import Entities

HERE = Path(__file__).resolve().parent
# --pin: which CPUs each role may use ({} : all); filled in by run.py, read when a process starts.
PIN: dict[str, set[int]] = {}


def pinned(role: str) -> Callable[[], None] | None:
    cpus = PIN.get(role)
    return (lambda: os.sched_setaffinity(0, cpus)) if cpus else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak), in MB of 10^6 bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) * 1024 / 1e6
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    """One keep-alive connection to 127.0.0.1."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        return response.status, payload, time.perf_counter() - started

    def close(self) -> None:
        """Also what to call after a pause longer than the server's keep-alive (uvicorn: 5 s): the next
        call opens a new connection instead of writing into one the server has closed."""
        self.conn.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    ready_s: float
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def serve(command: list[str], port: int, log: Path, health: str | None = "/__mock/health",
          timeout: float = 60) -> Iterator[Server]:
    """Start a server, wait until it answers (a 200 from `health`, or any answer at all when None),
    and stop it on the way out."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=HERE.parent,
                                   preexec_fn=pinned("server"))  # noqa: PLW1509 - this script starts no threads
        try:
            try:
                ready = _wait_ready(process, port, health, started + timeout) - started
            except RuntimeError as error:
                out.flush()
                tail = log.read_text(errors="replace").strip().splitlines()[-8:]
                raise RuntimeError(f"{error}: {' '.join(command)}\n" + "\n".join(tail)) from None
            yield Server(process, port, ready, log)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], port: int, health: str | None, deadline: float) -> float:
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", health or "/")
            status = conn.getresponse().status
            conn.close()
            if health is None or status == 200:
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.005)


LAUNCHER: list[str] = ["-m", "mockserver"]  # --launcher FILE: a script standing in for `-m mockserver`


def mockserver(port: int, fixtures: Path) -> list[str]:
    return [sys.executable, *LAUNCHER, "--strict", "--port", str(port), "--fixtures", str(fixtures)]


# ---------------------------------------------------------------------------------------- fixtures

def discovered() -> tuple[set[str], str | None]:
    """The provider ids this checkout serves, and why that could not be found out (a provider mid-edit)."""
    try:
        from mockserver.providers import discover

        return {provider.id for provider in discover()}, None
    except Exception as error:  # noqa: BLE001 - any import error of a half-written provider
        return set(), f"{type(error).__name__}: {error}"


def write_fixtures(folder: Path, extra: dict[str, Entities]) -> Path:
    """The project's fixtures as they are, with `extra` entities added to the named providers'."""
    from mockserver.resources import fixtures_dir

    folder.mkdir(parents=True, exist_ok=True)
    for source in fixtures_dir().glob("*.json"):
        shutil.copyfile(source, folder / source.name)
    for provider, entities in extra.items():
        target = folder / f"{provider}.json"
        merged = json.loads(target.read_text()) if target.is_file() else {}
        for collection, items in entities.items():
            merged[collection] = [*merged.get(collection, []), *items]
        target.write_text(json.dumps(merged, separators=(",", ":")))
    return folder
