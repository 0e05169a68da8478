"""CPU a request of mockserver's own code: the app (strict contract checks on) called directly with ASGI
messages, no uvicorn and no sockets, on the scenarios of benchmarks/scenarios.py seeded as run.py seeds
them. Each scenario runs in a process of its own (a fresh app, as run.py gives each its own server).

    python benchmarks/in_process.py                 # every scenario, 20,000 requests each
    python benchmarks/in_process.py "commcom stop"  # the scenarios whose name contains the text
    python benchmarks/in_process.py --requests 5000

The figure is process CPU time over the loop divided by its requests, the floor's own Starlette route
measured the same way beside it. Under load (run.py) the same code costs about 2.3x as much: it shares
the core with uvloop, httptools and the kernel's TCP work (docs/performance.md)."""

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floor import build  # noqa: E402
from scenarios import SCENARIOS, Scenario, fill  # noqa: E402
from servers import write_fixtures  # noqa: E402


def scope_of(method: str, target: str, body: bytes) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http",
            "method": method, "path": path, "raw_path": path.encode(), "query_string": query.encode(),
            "root_path": "", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1),
            "headers": [(b"host", b"127.0.0.1"), (b"authorization", b"Bearer in-process"),
                        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}


async def call(app: Any, method: str, target: str, body: bytes) -> int:
    answer: dict[str, int] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]

    await app(scope_of(method, target, body), receive, send)
    return answer["status"]


async def per_request(app: Any, scenario: Scenario, requests: int) -> float:
    body = json.dumps(scenario.body).encode() if scenario.body is not None else b""
    first = scenario.first
    status = await call(app, scenario.method, fill(scenario.path, first), body)  # warms caches, loads the tenant
    if status >= 300:
        raise SystemExit(f"{scenario.name}: the first request answered {status}")
    targets = [fill(scenario.path, i if scenario.walks else first) for i in range(first + 1, first + 1 + requests)]
    started = time.process_time()
    for target in targets:
        status = await call(app, scenario.method, target, body)
    spent = time.process_time() - started
    if status >= 300:
        raise SystemExit(f"{scenario.name}: the last request answered {status}")
    return spent / requests * 1e6


def one(name: str, requests: int) -> None:
    """Measure one scenario (the child process's work) and print its µs a request."""
    from mockserver import collector
    from mockserver.app import create_app
    from mockserver.settings import Settings

    scenario = next(s for s in SCENARIOS if s.name == name)
    extra = {}
    if scenario.seed is not None:
        extra[scenario.provider] = scenario.seed(scenario.entities or requests + 2)
    with tempfile.TemporaryDirectory(prefix="mockserver-in-process-") as folder:
        collector.collect_less()  # as `mockserver` runs: its garbage-collector settings (mockserver.cli)
        app = create_app(Settings(strict=True, fixtures_dir=write_fixtures(Path(folder), extra)))
        collector.freeze_startup()
        print(json.dumps({"us": asyncio.run(per_request(app, scenario, requests))}))


def floor(requests: int) -> float:
    app = build("POST", "/loop-comms/v1/admin/campaigns/{id}/cancel", b"x" * 444)
    floor_scenario = Scenario("floor", "control", "POST", "/loop-comms/v1/admin/campaigns/cmp_{i}/cancel")
    return asyncio.run(per_request(app, floor_scenario, requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="run only scenarios whose name contains one of these")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child: measure this scenario
    args = parser.parse_args()
    if args.one:
        one(args.one, args.requests)
        return
    print(f"{'floor: one Starlette route':40s} {floor(args.requests):6.1f} µs a request")
    for scenario in SCENARIOS:
        if args.only and not any(text in scenario.name for text in args.only):
            continue
        child = subprocess.run([sys.executable, __file__, "--one", scenario.name, "--requests", str(args.requests)],
                               capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"{scenario.name:40s} failed: {(child.stderr or child.stdout).strip()[-300:]}")
            continue
        print(f"{scenario.name:40s} {json.loads(child.stdout.splitlines()[-1])['us']:6.1f} µs a request")


if __name__ == "__main__":
    main()
