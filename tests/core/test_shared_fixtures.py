"""Tenants share the fixtures copy-on-write (issue 17, point 3): the fixtures are built once, at start, and
a new tenant's collections are views over that one set, so a new token costs what its own changes cost.
What a tenant sees must not change: its writes, deletes and the clock's moves stay its own, the order of a
collection is a dict's, and a stored tenant round-trips."""

from mockserver.overlay import Overlay
from mockserver.tenant_state import state_codec
from tests.support import client_for, make_app

APP = make_app()
RUNTIME = APP.state.runtime
BASE = "/loop-comms/v1/admin/campaigns"


def backend(token: str, provider: str = "loop-comms"):
    client_for(APP, token).get("/__mock/clock")  # the tenant's first call builds it
    return RUNTIME.tenants.get(token).backends[provider]


def listed(client, provider: str = "loop-comms", collection: str = "campaigns", **query) -> list[str]:
    answer = client.get(f"/__mock/{provider}/{collection}", params={"limit": 100, **query})
    assert answer.status_code == 200, answer.text
    return [str(item["id"]) for item in answer.json()["items"]]


def test_a_new_tenant_shares_the_fixture_entities_the_clock_cannot_move():
    one, two = backend("shared-one").campaigns.entities, backend("shared-two").campaigns.entities
    assert isinstance(one, Overlay) and isinstance(two, Overlay)
    # A draft campaign is one object for both tenants (iterating reads it in place) ...
    draft_one = dict(one.items())["cmp_draft"]
    assert draft_one is dict(two.items())["cmp_draft"]
    # ... a scheduled one (the clock starts it, on each tenant's own clock) is each tenant's own.
    assert dict(one.items())["cmp_scheduled"] is not dict(two.items())["cmp_scheduled"]


def test_every_provider_shares_what_it_can():
    for provider, collection in (("bsg", "campaigns"), ("commcom", "campaigns"), ("commcom", "sends"),
                                 ("loop-messaging", "campaigns")):
        one = getattr(backend("share-a", provider), collection).entities
        two = getattr(backend("share-b", provider), collection).entities
        assert any(a is b for a, b in zip(one.values(), two.values(), strict=True)), (provider, collection)


def test_a_write_copies_the_entity_into_its_tenant_only():
    writer, reader = client_for(APP, "cow-writer"), client_for(APP, "cow-reader")
    reader.get("/__mock/clock")
    assert writer.post(f"{BASE}/cmp_draft/cancel").status_code == 200
    assert writer.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "cancelled"
    assert reader.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"
    assert client_for(APP, "cow-later").get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"


def test_a_deleted_fixture_entity_is_gone_for_its_tenant_only_and_comes_back_last():
    deleter, other = client_for(APP, "cow-deleter"), client_for(APP, "cow-other")
    before = listed(deleter)
    assert deleter.delete("/__mock/loop-comms/campaigns/cmp_draft_sms").status_code in (200, 204)
    assert deleter.get("/__mock/loop-comms/campaigns/cmp_draft_sms").status_code == 404
    assert listed(deleter) == [i for i in before if i != "cmp_draft_sms"]
    assert listed(other) == before
    # A replaced entity keeps its place; one put back after a delete is added, as a dict orders them.
    assert deleter.put("/__mock/loop-comms/campaigns/cmp_draft", json={"name": "renamed"}).status_code == 200
    assert deleter.put("/__mock/loop-comms/campaigns/cmp_draft_sms", json={"name": "back"}).status_code == 200
    assert listed(deleter) == [i for i in before if i != "cmp_draft_sms"] + ["cmp_draft_sms"]
    assert listed(deleter, order="newest")[0] == "cmp_draft_sms"
    assert listed(other) == before


def test_the_clock_moves_each_tenants_scheduled_fixture_campaign_alone():
    mover, still = client_for(APP, "cow-mover"), client_for(APP, "cow-still")
    still.get("/__mock/clock")
    assert mover.post("/__mock/clock", json={"now": "2027-06-01T10:00:00Z"}).status_code == 200
    assert mover.get("/__mock/loop-comms/campaigns/cmp_scheduled").json()["status"] != "scheduled"
    assert still.get("/__mock/loop-comms/campaigns/cmp_scheduled").json()["status"] == "scheduled"


def test_reset_brings_back_the_shared_fixtures():
    client = client_for(APP, "cow-reset")
    pristine = client.get("/__mock/state").json()
    client.post(f"{BASE}/cmp_draft/cancel")
    client.delete("/__mock/loop-comms/campaigns/cmp_sent")
    client.post("/__mock/reset")
    assert client.get("/__mock/state").json() == pristine


def test_a_stored_tenant_round_trips_with_its_shared_and_own_entities():
    client = client_for(APP, "cow-stored")
    client.post(f"{BASE}/cmp_draft/cancel")
    client.delete("/__mock/loop-comms/campaigns/cmp_sent")
    client.delete("/__mock/bsg/campaigns/9")
    tenant = RUNTIME.tenants.get("cow-stored")
    before = client.get("/__mock/state").json()
    listed_before = client.get("/bsg/api/campaigns", params={"filter[type]": "rcs", "filter[from]": "2025-12-01 00:00:00"})
    assert listed_before.json()["data"]  # the indexed list has something to lose
    codec = state_codec(RUNTIME.providers)
    tenant.restore(codec.loads(codec.dumps(tenant.snapshot())))
    assert client.get("/__mock/state").json() == before
    assert client.get("/bsg/api/campaigns", params={"filter[type]": "rcs", "filter[from]": "2025-12-01 00:00:00"}
                      ).json() == listed_before.json()
