"""Memory of compact sends and of 100,000 campaigns across providers (issue 17, point 3).

- per live commcom send: tracemalloc, in a child process, of a tenant whose N multistep sends (the load
  scenario's seed) have run an hour of steps (a frozen clock advanced 3,600 s, every send read), less
  the same tenant without them; the target is <= 8 KiB a send.
- across providers: RSS of `mockserver` holding a quarter of `scale` campaigns in each provider's
  fixtures (loop-comms, loop-messaging, commcom, bsg) once one tenant has loaded; the target is <= 150 MB
  at 100,000."""

import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from scenarios import bsg_campaigns, commcom_sends, loop_campaigns, messaging_campaigns
from servers import HERE, Client, free_port, memory_mb, mockserver, serve, write_fixtures


def _held_bytes(folder: Path) -> int:
    import gc
    import tracemalloc

    from starlette.testclient import TestClient

    from mockserver import Settings, create_app

    app = create_app(Settings(strict=True, fixtures_dir=folder, log_level="warning"))
    client = TestClient(app, headers={"Authorization": "Bearer memory"})
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    client.post("/__mock/clock", json={"freeze": True})
    client.post("/__mock/clock", json={"advance": 3600})
    client.get("/__mock/commcom/sends?limit=1000000")  # every send read an hour on
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return held


def send_kib(sends: int) -> float:
    """KiB held per live multistep commcom send after an hour of steps (a child process: tracemalloc)."""
    answer = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--sends", str(sends)],
                            capture_output=True, text=True, check=True, cwd=HERE)
    return json.loads(answer.stdout.strip().splitlines()[-1])["kib_per_send"]


def across_providers(tmp: Path, scale: int) -> dict[str, float]:
    """RSS holding `scale` campaigns, a quarter in each provider, in one tenant (and a second tenant's)."""
    quarter = scale // 4
    sends = commcom_sends(quarter)
    folder = write_fixtures(tmp / "across", {
        "loop-comms": loop_campaigns(quarter), "loop-messaging": messaging_campaigns(quarter),
        "commcom": {"campaigns": sends["campaigns"]}, "bsg": bsg_campaigns(quarter)})
    port = free_port()
    with serve(mockserver(port, folder), port, tmp / "across.log") as server:
        before = memory_mb(server.pid)["VmRSS"]
        first = Client(port, f"bench-across-{uuid.uuid4().hex[:8]}", timeout=300)
        first.call("GET", "/__mock/clock")
        held = memory_mb(server.pid)
        second = Client(port, f"bench-across-{uuid.uuid4().hex[:8]}", timeout=300)
        second.call("GET", "/__mock/clock")
        after_second = memory_mb(server.pid)["VmRSS"]
        first.close()
        second.close()
    return {"campaigns": quarter * 4, "before_tenant_mb": before, "holding_mb": held["VmRSS"],
            "peak_mb": held["VmHWM"], "second_tenant_mb": after_second - held["VmRSS"]}


if __name__ == "__main__":  # the child of send_kib
    count = int(sys.argv[sys.argv.index("--sends") + 1])
    with tempfile.TemporaryDirectory(prefix="mockserver-memory-") as name:
        without = _held_bytes(write_fixtures(Path(name) / "without", {}))
        with_sends = _held_bytes(write_fixtures(Path(name) / "with", {"commcom": commcom_sends(count)}))
    print(json.dumps({"kib_per_send": (with_sends - without) / count / 1024}))
