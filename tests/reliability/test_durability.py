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
    """Each provider's state, mid-flight (fixtures in every state, a send under way in each provider, a
    BSG campaign past moderation, a frozen clock moved on), its journal, faults and random stream come back
    from the state file exactly as they were."""
    from tests.support import client_for, make_app

    path = tmp_path / "round-trip.sqlite"
    before_app = make_app(state_file=path)
    client = client_for(before_app, "round-trip")
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    recipients = [{"person_id": f"p{i}", "recipient": f"r{i}@example.com"} for i in range(500)]
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_draft/send",
                       json={"recipients": recipients}).status_code < 300
    assert client.post("/loop-messaging/v1/messaging/campaigns/msg_draft/publish",
                       json={"recipients": recipients}).status_code == 202
    assert client.post("/bsg/api/campaigns/rcs/send-groups", json={
        "groups": [101], "sender": "rcs_sender", "options": {"text": "Hello!"},
        "alternative_channel": {"sms": {"text": "Hi", "sender": "fallback"}}}).status_code == 200
    client.post("/__mock/clock", json={"advance": 90})
    assert client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "createCampaign",
                                               "status": 500, "times": 3}).status_code == 201
    # What a tenant is, as its client can see it.
    views = ("/__mock/state", "/__mock/clock", "/__mock/requests", "/__mock/faults")
    before = {view: client.get(view).json() for view in views}
    assert set(before["/__mock/state"]) == set(before_app.state.runtime.providers)

    restored = client_for(make_app(state_file=path), "round-trip")
    assert {view: restored.get(view).json() for view in views} == before
    # The random stream goes on where it was: both hand out the same next id.
    new = {"brand_id": "b", "name": "n", "subject": "s", "template_key": "k"}
    for twin in (client, restored):
        assert twin.delete("/__mock/faults").status_code == 200
    created = [twin.post("/loop-comms/v1/admin/campaigns", json=new).json()["campaign"]["id"]
               for twin in (client, restored)]
    assert created[0] == created[1]
