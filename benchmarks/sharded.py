"""The sharded figure: many tenants through `mockserver --shards 2` (HAProxy in front of 2 processes)
against one process, the same call and the same wrk. On this 2-core machine wrk, HAProxy and the shards
all share the two cores, so this measures the cost of the layout more than its gain; per-request CPU
(shards and HAProxy apart) is what extrapolates to a machine with cores to spare (docs/scaling.md)."""

import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from load import Load, wrk
from modes import Mode
from scenarios import Scenario
from servers import Client, cpu_seconds, free_port, mockserver, serve, write_fixtures

TENANTS = 64
SHARDS = 2
# A call every tenant can make on the shipped fixtures, reading state (so the run can last any time).
MANY_TENANTS = Scenario("loop-messaging list, shipped fixtures", "loop-messaging", "GET",
                        "/loop-messaging/v1/messaging/campaigns?brand_id=brand_acme")


@dataclass
class Layout:
    name: str
    load: Load | None = None
    shard_cpu_us: float = 0.0  # the mockserver processes' CPU per request
    haproxy_cpu_us: float = 0.0
    note: str = ""


def haproxy_installed() -> bool:
    return bool(shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists())


def _pids(log: Path) -> tuple[list[int], int | None]:
    """The shards' pids and HAProxy's, from the supervisor's banner (printed just after it is ready)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if "openapi" in text:
            shards = [int(p) for p in re.findall(r"shard \d+\s+http://\S+\s+pid (\d+)", text)]
            haproxy = re.search(r"behind HAProxy \(pid (\d+)\)", text)
            return shards, int(haproxy[1]) if haproxy else None
        time.sleep(0.05)
    raise RuntimeError(f"no banner from mockserver --shards: {log.read_text(errors='replace')[-300:]}")


def measure_layout(name: str, shards: int, mode: Mode, tmp: Path) -> Layout:
    layout = Layout(name)
    folder = write_fixtures(tmp / "sharded", {})
    port = free_port()
    command = mockserver(port, folder) + (["--shards", str(shards)] if shards > 1 else [])
    log = tmp / f"sharded-{shards}.log"
    token = f"bench-tenant-{uuid.uuid4().hex[:6]}"
    with serve(command, port, log) as server:
        shard_pids, haproxy = _pids(log) if shards > 1 else ([server.pid], None)
        client = Client(port)
        for k in range(TENANTS):  # every tenant loaded before any timing (its fixtures copied once)
            client.token = f"{token}-{k}"
            status, answer, _ = client.call(MANY_TENANTS.method, MANY_TENANTS.path)
            if status != 200:
                raise RuntimeError(f"{name}: tenant {k} answered {status}: {answer[:200]!r}")
        client.close()
        if mode.warmup_s:
            wrk(port, MANY_TENANTS, token, mode.warmup_s, 1, tmp, shard_pids, tenants=TENANTS)
        haproxy_before = cpu_seconds(haproxy) if haproxy else 0.0
        layout.load = wrk(port, MANY_TENANTS, token, mode.measure_s, 1, tmp, shard_pids, tenants=TENANTS)
        layout.shard_cpu_us = layout.load.cpu_us
        if haproxy and layout.load.requests:
            layout.haproxy_cpu_us = (cpu_seconds(haproxy) - haproxy_before) / layout.load.requests * 1e6
    return layout


def measure_sharded(mode: Mode, tmp: Path) -> dict[str, Any]:
    """Both layouts, one after the other, each alone on the machine with wrk."""
    if not haproxy_installed():
        return {"skipped": "haproxy is not installed (apt-get update && apt-get install -y haproxy)"}
    layouts = [measure_layout("one process", 1, mode, tmp),
               measure_layout(f"--shards {SHARDS} (HAProxy + {SHARDS} processes)", SHARDS, mode, tmp)]
    return {"tenants": TENANTS, "call": f"{MANY_TENANTS.method} {MANY_TENANTS.path}", "layouts": layouts}


def implied_rps(layout: Layout, cores: int) -> float:
    """Requests a second on `cores` cores left to the server (the load generator elsewhere), with at least
    as many shards as cores: each request costs its shard's CPU plus HAProxy's, and nothing else is shared.
    An extrapolation from CPU per request, not a measurement."""
    cost = layout.shard_cpu_us + layout.haproxy_cpu_us
    return cores * 1e6 / cost if cost else 0.0
