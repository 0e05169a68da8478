"""How long a bystander waits while the heaviest tenant dumps its state (issue 12, defect 5).

Starts `python -m mockserver` on a free loopback port, builds one heavy tenant through the API (commcom
multistep and planner sends that run to the mock's step cap: one message a minute to a billion contacts,
then a 30-day clock advance), and, while that tenant's `GET /__mock/state` is answered, has a second
tenant call `GET /__mock/clock` every 10 ms. Prints the dump's time and size and the bystander's
latencies.

    python benchmarks/bystander.py [--sends 60] [--rounds 3]

A measurement, not a test: the figures go to docs/performance.md and docs/reliability.md.
"""

import argparse
import asyncio
import statistics
import tempfile
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import free_port, serve  # noqa: E402  (the benchmarks' own server start and stop)

CAMPAIGNS = "/commcom/api/v1/sms/campaigns"
STEPS = {"step_size": 1, "step_delay": 1, "max_sms_to_send": 0, "max_minutes_to_send": 0}
AUDIENCE = {"total_available_contacts": 1_000_000_000}
ALL_DAY = {"start": "00:00", "end": "23:59"}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# The dearest sends to compute: a step a minute until the mock's step cap (planners cost the most a step).
AT_THE_CAP = [
    {"send_type": "multistep", "multistep_data": STEPS, "multistep_status": AUDIENCE},
    {"send_type": "planner", "multistep_status": AUDIENCE,
     "planner_data": {"days_of_week": DAYS, "weekly_schedule": {day: ALL_DAY for day in ["default", *DAYS]},
                      "multistep_data": STEPS, "daily_sms_contact_limit": 1000, "weekly_sms_contact_limit": 1000}},
]


def build_heavy_tenant(base: str, token: str, sends: int) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-02T10:00:00.000Z"}).raise_for_status()
        campaign = client.post(CAMPAIGNS, json={"name": "heavy"}).json()["data"]["id"]
        for number in range(sends):
            meta = AT_THE_CAP[number % len(AT_THE_CAP)]
            client.put(f"/__mock/commcom/sends/{uuid.uuid4()}",
                       json={"sms_campaign_id": campaign, "status": "pending", "meta": meta}).raise_for_status()
        client.post("/__mock/clock", json={"advance": 30 * 86400}).raise_for_status()


async def one_round(base: str, heavy: str) -> tuple[float, int, list[float]]:
    """The dump's seconds and bytes, and each bystander call's seconds while it ran."""
    waits: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        bystander = {"Authorization": f"Bearer bystander-{uuid.uuid4().hex[:8]}"}
        await http.get("/__mock/clock", headers=bystander)  # its tenant exists before the dump starts

        async def dump() -> tuple[float, int]:
            began = time.perf_counter()
            answer = await http.get("/__mock/state", headers={"Authorization": f"Bearer {heavy}"})
            answer.raise_for_status()
            return time.perf_counter() - began, len(answer.content)

        task = asyncio.create_task(dump())
        while not task.done():
            began = time.perf_counter()
            (await http.get("/__mock/clock", headers=bystander)).raise_for_status()
            waits.append(time.perf_counter() - began)
            await asyncio.sleep(0.01)
        seconds, size = await task
    return seconds, size, waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=60, help="sends at the step cap, half multistep, half planner (default 60)")
    parser.add_argument("--rounds", type=int, default=3, help="dumps measured (the first one computes the steps)")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkdtemp()) / "bystander-server.log"
    with serve([sys.executable, "-m", "mockserver", "--port", str(port), "--log-level", "warning"], port, log):
        heavy = f"heavy-{uuid.uuid4().hex[:8]}"
        began = time.perf_counter()
        build_heavy_tenant(base, heavy, args.sends)
        print(f"built {args.sends} sends at the step cap + 30-day advance in {time.perf_counter() - began:.1f} s")
        all_waits: list[float] = []
        for number in range(1, args.rounds + 1):
            seconds, size, waits = asyncio.run(one_round(base, heavy))
            all_waits += waits
            print(f"round {number}: state dump {seconds * 1000:.0f} ms, {size / 1e6:.2f} MB; bystander calls "
                  f"{len(waits)}, median {statistics.median(waits) * 1000:.1f} ms, max {max(waits) * 1000:.1f} ms")
        print(f"bystander max over {len(all_waits)} calls: {max(all_waits) * 1000:.1f} ms (target < 250 ms)")


if __name__ == "__main__":
    main()
