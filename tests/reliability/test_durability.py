"""--state-file: every change answered 2xx survives a SIGKILL in the middle of a burst of writes."""

import asyncio
import signal

import httpx

from tests.support import ServerProcess

TOKEN = "durable"
WRITES = 300


def test_acknowledged_changes_survive_sigkill(tmp_path):
    state_file = tmp_path / "state.sqlite"
    server = ServerProcess("--state-file", str(state_file)).start()
    acknowledged: list[str] = []

    async def burst() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"},
                                     timeout=10) as client:
            async def create(i: int) -> None:
                try:
                    response = await client.post("/loop-comms/v1/admin/campaigns", json={
                        "brand_id": "b", "name": f"n{i}", "subject": "s", "template_key": "k"})
                except httpx.TransportError:
                    return  # killed mid-request: never acknowledged
                if response.status_code == 201:
                    acknowledged.append(response.json()["campaign"]["id"])
                if len(acknowledged) == WRITES // 3:
                    server.process.send_signal(signal.SIGKILL)

            await asyncio.gather(*(create(i) for i in range(WRITES)))

    try:
        asyncio.run(burst())
        server.process.wait(timeout=10)
        assert server.process.returncode == -signal.SIGKILL
        assert len(acknowledged) >= WRITES // 3
    finally:
        server.kill()

    with ServerProcess("--state-file", str(state_file)) as restarted:
        state = httpx.get(f"{restarted.base_url}/__mock/state", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    kept = {campaign["id"] for campaign in state["loop-comms"]["campaigns"]}
    assert set(acknowledged) <= kept


def test_every_provider_state_round_trips_through_the_state_file(tmp_path):
    """Each provider's state, mid-flight (fixtures in every state, a frozen clock moved on), comes back
    from the state file exactly as it was rendered before."""
    from tests.support import client_for, make_app

    path = tmp_path / "round-trip.sqlite"
    before_app = make_app(state_file=path)
    client = client_for(before_app, "round-trip")
    client.post("/__mock/clock", json={"freeze": True})
    client.post("/__mock/clock", json={"advance": 90})
    before = client.get("/__mock/state").json()
    assert set(before) == set(before_app.state.runtime.providers)

    after = client_for(make_app(state_file=path), "round-trip").get("/__mock/state").json()
    assert after == before
