"""Memory and timings with 100,000 campaigns in one tenant, and the O(1) check."""

import statistics
import uuid
from collections.abc import Callable
from pathlib import Path

from memory import across_providers, send_kib
from measure import Results
from modes import Mode
from scenarios import AT_SCALE, Entities
from servers import Client, free_port, memory_mb, mockserver, serve, write_fixtures


def measure_scale(mode: Mode, tmp: Path, providers: set[str], results: Results) -> None:
    """Memory and timings with `mode.scale` campaigns in one tenant; the O(1) check compares single-entity
    calls on that tenant with the same calls on a tenant of 200 campaigns, in the same process."""
    name, provider, method, path, seed = AT_SCALE[0]
    scale = results.scale
    scale["campaigns"] = mode.scale
    folder = write_fixtures(tmp / "scale", {provider: seed(mode.scale)})
    port = free_port()
    with serve(mockserver(port, folder), port, tmp / "scale.log") as server:
        scale["ready_s"] = server.ready_s
        scale["before_tenant_mb"] = memory_mb(server.pid)["VmRSS"]
        big = Client(port, f"bench-scale-{uuid.uuid4().hex[:8]}", timeout=300)
        _, _, scale["tenant_load_s"] = big.call("GET", "/__mock/clock")
        memory = memory_mb(server.pid)
        scale["holding_mb"], scale["holding_peak_mb"] = memory["VmRSS"], memory["VmHWM"]
        # Another new token: the fixtures are shared copy-on-write, so it should cost what a tenant of the
        # shipped fixtures costs (mockserver/overlay.py).
        second = Client(port, f"bench-second-{uuid.uuid4().hex[:8]}", timeout=300)
        _, _, scale["second_tenant_load_s"] = second.call("GET", "/__mock/clock")
        scale["second_tenant_mb"] = memory_mb(server.pid)["VmRSS"] - scale["holding_mb"]
        second.close()
        small = Client(port, f"bench-small-{uuid.uuid4().hex[:8]}", timeout=300)
        small.call("GET", "/__mock/clock")
        small.call("POST", "/__mock/reset?fixtures=false")
        few = 200
        for k in range(few):
            status, answer, _ = small.call("PUT", f"/__mock/loop-comms/campaigns/cmp_{k}", {"status": "draft"})
            if status != 200:
                raise RuntimeError(f"seeding the small tenant answered {status}: {answer[:200]!r}")
        lookups = min(mode.lookups, few)
        for label, client, n in (("small", small, few), ("big", big, mode.scale)):
            step = max(n // lookups, 1)
            ids = [(k * step) % n for k in range(lookups)]
            gets = [client.call("GET", f"/__mock/loop-comms/campaigns/cmp_{i}")[2] for i in ids]
            cancels = [client.call("POST", f"/loop-comms/v1/admin/campaigns/cmp_{i}/cancel") for i in ids]
            if any(status != 200 for status, _, _ in cancels):
                raise RuntimeError(f"a cancel on the {label} tenant did not answer 200")
            scale[f"get_{label}_ms"] = statistics.median(gets) * 1000
            scale[f"cancel_{label}_ms"] = statistics.median(c[2] for c in cancels) * 1000
        status, answer, seconds = big.call(method, path)
        scale["calls"] = [(f"{name} ({mode.scale} campaigns)", status, seconds, len(answer))]
        scale["after_calls_peak_mb"] = memory_mb(server.pid)["VmHWM"]
        big.close()
        small.close()
    for name, provider, method, path, seed in AT_SCALE[1:]:
        if provider not in providers:
            scale["calls"].append((f"{name}: skipped, provider {provider} not discovered", None, None, None))
            continue
        # The same first call with FEW campaigns and at full scale: a list that costs the page takes about
        # as long at both.
        status, seconds, size = _first_call(tmp, provider, method, path, seed, mode.scale)
        _, seconds_few, _ = _first_call(tmp, provider, method, path, seed, FEW)
        scale["calls"].append((f"{name}: {FEW} vs {mode.scale} campaigns", status, seconds, size, seconds_few))
    scale["sends"] = min(mode.scale, 20_000)
    scale["send_kib"] = send_kib(scale["sends"])
    scale["across"] = across_providers(tmp, mode.scale)


FEW = 100  # campaigns, the small side of the at-scale calls


def _first_call(tmp: Path, provider: str, method: str, path: str, seed: Callable[[int], Entities],
                campaigns: int) -> tuple[int, float, int]:
    """A new server holding `campaigns` campaigns, and one tenant's first call of the kind (after the
    tenant's own first call, which loads it): its status, seconds and answer size."""
    folder = write_fixtures(tmp / "scale", {provider: seed(campaigns)})
    port = free_port()
    with serve(mockserver(port, folder), port, tmp / "scale.log"):
        client = Client(port, f"bench-scale-{uuid.uuid4().hex[:8]}", timeout=300)
        client.call("GET", "/__mock/clock")
        status, answer, seconds = client.call(method, path.replace("{last60}", str(max(campaigns - 60, 0))))
        client.close()
    return status, seconds, len(answer)
