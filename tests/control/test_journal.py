"""The request journal records exactly the calls made, per tenant, within its bound."""

import asyncio

import httpx

from tests.support import client_for, make_app

CANCEL = "/loop-comms/v1/admin/campaigns/{}/cancel"


def test_journal_records_calls_in_order_with_bodies_and_statuses():
    app = make_app()
    client = client_for(app, "journal-a")
    made = [
        ("POST", CANCEL.format("cmp_draft"), None, 200),
        ("POST", CANCEL.format("cmp_draft"), None, 409),
        ("POST", "/loop-comms/v1/admin/campaigns/cmp_sent/send", {"recipients": []}, 409),
        ("POST", "/loop-comms/v1/admin/campaigns", {"brand_id": "b"}, 400),
        ("GET", "/loop-comms/v1/admin/nothing-here", None, 404),
    ]
    for method, path, body, status in made:
        assert client.request(method, path, json=body).status_code == status
    client.get("/__mock/state")  # control-plane calls are not provider calls: not journaled

    entries = client.get("/__mock/requests").json()["requests"]
    assert [(e["method"], "/loop-comms" + e["path"], e["body"], e["status"]) for e in entries] == made
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert entries[0]["operationId"] == "cancelCampaign" and entries[-1]["operationId"] is None
    assert entries[0]["response"]["campaign"]["status"] == "cancelled"
    assert all(e["contract"] == {"valid": True, "reasons": []} for e in entries)

    filtered = client.get("/__mock/requests", params={"operationId": "cancelCampaign", "status": 409}).json()
    assert [e["seq"] for e in filtered["requests"]] == [entries[1]["seq"]]
    assert client.delete("/__mock/requests").json() == {"cleared": len(made)}
    assert client.get("/__mock/requests").json() == {"requests": [], "count": 0}


def test_journal_is_per_tenant():
    app = make_app()
    a, b = client_for(app, "tenant-a"), client_for(app, "tenant-b")
    a.post(CANCEL.format("cmp_draft"))
    assert len(a.get("/__mock/requests").json()["requests"]) == 1
    assert b.get("/__mock/requests").json()["requests"] == []


def test_journal_stays_within_its_bound_under_a_burst():
    bound, burst = 1_000, 2_000  # the ring's rule is the same at any size
    app = make_app(journal_size=bound)

    async def fire() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock",
                                     headers={"Authorization": "Bearer burst"}) as client:
            for start in range(0, burst, 500):
                await asyncio.gather(*(client.get(f"/loop-comms/v1/admin/campaigns/c{i}/history")
                                       for i in range(start, start + 500)))

    asyncio.run(fire())
    tenant = app.state.runtime.tenants.get("burst")
    assert len(tenant.journal) == bound
    seqs = [entry.seq for entry in tenant.journal.select()]
    assert seqs == list(range(burst - bound + 1, burst + 1))  # the newest are kept, in order
