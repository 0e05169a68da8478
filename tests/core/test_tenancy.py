"""The token is the tenant (DESIGN.md): each token sees only its own campaigns and clock, starts from the
fixtures, and reset puts back only its own. `--token` restricts which tokens are accepted."""

import pytest

from tests.support import client_for, make_app

BASE = "/loop-comms/v1/admin/campaigns"
NEW = {"brand_id": "b", "name": "n", "subject": "s", "template_key": "t"}


def campaigns(client) -> dict[str, dict]:
    return {c["id"]: c for c in client.get("/__mock/state").json()["loop-comms"]["campaigns"]}


def test_two_tokens_never_see_each_others_campaigns(app):
    alice, bob = client_for(app, "tenant-alice"), client_for(app, "tenant-bob")
    mine = alice.post(BASE, json=NEW).json()["campaign"]["id"]
    assert alice.post(f"{BASE}/cmp_draft/cancel").status_code == 200

    assert mine not in campaigns(bob)
    assert bob.get(f"/__mock/loop-comms/campaigns/{mine}").status_code == 404
    assert bob.post(f"{BASE}/{mine}/send", json={"recipients": []}).status_code == 404
    assert bob.post(f"{BASE}/{mine}/cancel").status_code == 404
    assert bob.get(f"{BASE}/{mine}/history").json() == {"sends": []}
    assert campaigns(bob)["cmp_draft"]["status"] == "draft"  # bob's fixture copy is untouched
    assert bob.post(f"{BASE}/cmp_draft/cancel").status_code == 200  # and his to change


def test_a_change_by_one_tenant_is_invisible_to_a_tenant_made_afterwards(app):
    first = client_for(app, "tenant-first")
    first.put("/__mock/loop-comms/campaigns/cmp_draft", json={"status": "sent", "segment_criteria": {"x": [1]}})
    later = client_for(app, "tenant-later")
    assert campaigns(later)["cmp_draft"]["status"] == "draft"
    assert campaigns(later)["cmp_draft"]["segment_criteria"] == {"tier": "gold"}


def test_reset_restores_the_fixtures(app, client):
    pristine = client.get("/__mock/state").json()
    client.post(BASE, json=NEW)
    client.post(f"{BASE}/cmp_draft/cancel")
    client.post(f"{BASE}/cmp_scheduled/send", json={"recipients": [{"person_id": "p", "recipient": "a@b.co"}]})
    client.put("/__mock/loop-comms/campaigns/cmp_sent", json={"status": "draft"})
    assert client.get("/__mock/state").json() != pristine

    response = client.post("/__mock/reset")
    assert response.json() == {"status": "reset", "fixtures": True}
    assert client.get("/__mock/state").json()["loop-comms"] == pristine["loop-comms"]
    assert client.get(f"{BASE}/cmp_scheduled/history").json() == {"sends": []}


def test_reset_without_fixtures_empties_every_collection(client):
    assert client.post("/__mock/reset?fixtures=false").json() == {"status": "reset", "fixtures": False}
    state = client.get("/__mock/state").json()
    assert state and all(entities == [] for collections in state.values() for entities in collections.values())
    assert client.post(f"{BASE}/cmp_draft/cancel").status_code == 404
    created = client.post(BASE, json=NEW)
    assert created.status_code == 201
    assert list(campaigns(client)) == [created.json()["campaign"]["id"]]


def test_reset_touches_only_the_callers_tenant(app):
    alice, bob = client_for(app, "reset-alice"), client_for(app, "reset-bob")
    kept = bob.post(BASE, json=NEW).json()["campaign"]["id"]
    alice.post("/__mock/reset?fixtures=false")
    assert kept in campaigns(bob)


@pytest.fixture
def restricted():
    app = make_app(tokens=("a",))
    yield app
    assert app.state.runtime.violations.total == 0


def test_a_token_list_refuses_every_other_token(restricted):
    accepted, refused = client_for(restricted, "a"), client_for(restricted, "b")
    assert accepted.get(f"{BASE}/cmp_draft/history").status_code == 200
    assert accepted.get("/__mock/state").status_code == 200
    for method, path in (("get", f"{BASE}/cmp_draft/history"), ("post", f"{BASE}/cmp_draft/cancel"),
                         ("get", "/__mock/state"), ("post", "/__mock/reset")):
        response = refused.request(method, path)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"] == "invalid_token"
    assert accepted.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"
    assert client_for(restricted, None).get("/__mock/health").status_code == 200


def test_open_mode_accepts_any_token_but_one_calling_itself_invalid(app):
    assert client_for(app, "anything-at-all").get(f"{BASE}/x/history").status_code == 200
    assert client_for(app, "lph_at_INVALID").get(f"{BASE}/x/history").status_code == 401
