"""--state-file with a small --max-tenants: a tenant evicted while one of its requests is still in flight
must not come back as a second copy of itself. Every change answered 2xx is visible afterwards and comes
back from the state file, whatever the cap and the interleaving."""

import asyncio
import random

import httpx

from tests.support import make_app

BASE = "/loop-comms/v1/admin/campaigns"
NEW = {"brand_id": "b", "name": "n", "subject": "s", "template_key": "k"}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def in_process(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock", timeout=30)


async def campaigns(client: httpx.AsyncClient, token: str) -> dict[str, dict]:
    state = (await client.get("/__mock/state", headers=auth(token))).json()
    return {c["id"]: c for c in state["loop-comms"]["campaigns"]}


async def delay_creates(client: httpx.AsyncClient, token: str, delay_ms: int, times: int | None = 1) -> None:
    armed = await client.post("/__mock/faults", headers=auth(token), json={
        "provider": "loop-comms", "operationId": "createCampaign", "delay_ms": delay_ms, "times": times})
    assert armed.status_code == 201, armed.text


async def evicted_mid_request(app) -> tuple[str, dict[str, dict]]:
    """The issue's repro: token A's create waits 1.5 s in a delay fault while two other tokens push A out
    of a cap of 2, then A cancels cmp_draft. Returns the created id and A's campaigns as A then sees them."""
    async with in_process(app) as client:
        await delay_creates(client, "A", 1500)
        create = asyncio.create_task(client.post(BASE, json=NEW, headers=auth("A")))
        # The create has taken its fault (and so is waiting in it) once A lists no fault any more.
        while (await client.get("/__mock/faults", headers=auth("A"))).json()["faults"]:
            await asyncio.sleep(0.01)
        for other in ("B", "C"):  # with a cap of 2, A is now the least recently used tenant
            assert (await client.get("/__mock/clock", headers=auth(other))).status_code == 200
        cancelled = await client.post(f"{BASE}/cmp_draft/cancel", headers=auth("A"))
        assert cancelled.status_code == 200, cancelled.text
        created = await create
        assert created.status_code == 201, created.text
        return created.json()["campaign"]["id"], await campaigns(client, "A")


async def evict_then_read(app, token: str) -> dict[str, dict]:
    """The token's campaigns, read after three other tokens have pushed it out of a cap of 2."""
    async with in_process(app) as client:
        for other in ("B", "C", "D"):
            assert (await client.get("/__mock/clock", headers=auth(other))).status_code == 200
        return await campaigns(client, token)


def test_a_tenant_evicted_mid_request_keeps_both_of_its_changes(tmp_path):
    path = tmp_path / "state.sqlite"
    app = make_app(state_file=path, max_tenants=2)
    new_id, live = asyncio.run(evicted_mid_request(app))
    reloaded = asyncio.run(evict_then_read(app, "A"))
    restarted = asyncio.run(evict_then_read(make_app(state_file=path, max_tenants=2), "A"))
    for seen in (live, reloaded, restarted):
        assert new_id in seen
        assert seen["cmp_draft"]["status"] == "cancelled"


def test_without_a_state_file_a_tenant_in_use_is_not_forgotten():
    """Without a state file an evicted tenant is gone for good: it must not go while a request holds it,
    or that request's acknowledged change goes with it."""
    app = make_app(max_tenants=2)
    new_id, live = asyncio.run(evicted_mid_request(app))
    assert new_id in live
    assert live["cmp_draft"]["status"] == "cancelled"
    assert len(app.state.runtime.tenants) == 2  # the cap holds again once nothing is in flight


def test_every_acknowledged_change_survives_eviction_under_concurrency(tmp_path):
    """20 workers over 6 tokens with room for 3 tenants; every create waits a few ms in a delay fault, so
    tenants are evicted and reloaded while their requests are in flight."""
    path = tmp_path / "state.sqlite"
    app = make_app(state_file=path, max_tenants=3)
    tokens = [f"worker-tenant-{i}" for i in range(6)]
    acknowledged: dict[str, list[str]] = {token: [] for token in tokens}
    rng = random.Random(12)

    async def scenario() -> dict[str, dict[str, dict]]:
        async with in_process(app) as client:
            for token in tokens:
                await delay_creates(client, token, 5, times=None)

            async def worker(plan: list[str]) -> None:
                for token in plan:
                    response = await client.post(BASE, json=NEW, headers=auth(token))
                    assert response.status_code == 201, response.text
                    acknowledged[token].append(response.json()["campaign"]["id"])

            plans = [[rng.choice(tokens) for _ in range(10)] for _ in range(20)]
            await asyncio.gather(*(worker(plan) for plan in plans))
            return {token: await campaigns(client, token) for token in tokens}

    live = asyncio.run(scenario())
    # Two copies of one tenant would also hand out the same "new" id twice, from one random stream.
    assert sum(len(set(ids)) for ids in acknowledged.values()) == 200
    for token in tokens:
        assert set(acknowledged[token]) <= set(live[token]), token

    async def after_restart() -> dict[str, dict[str, dict]]:
        async with in_process(make_app(state_file=path, max_tenants=3)) as client:
            return {token: await campaigns(client, token) for token in tokens}

    restored = asyncio.run(after_restart())
    for token in tokens:
        assert set(acknowledged[token]) <= set(restored[token]), token
