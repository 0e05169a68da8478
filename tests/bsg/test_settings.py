"""bsg's own settings, declared in its folder: the server's value (`--set`) is every tenant's default, a
tenant's PUT overrides it for that tenant only, null puts it back, reset clears it; the control contract
describes them and refuses a value outside the declaration."""

from mockserver.providers.bsg.settings import SETTINGS
from tests.support import client_for, make_app

B = "/bsg/api"
APP = make_app(provider_values=(("bsg", "moderation_seconds", 30),))
GROUP = {"groups": [101], "sender": "s", "options": {"text": "Hi"}}


def _tenant(token):
    client = client_for(APP, token)
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    return client


def _statuses_after(client, *advances):
    """A new campaign's status after each advance of the clock."""
    campaign = client.post(f"{B}/campaigns/rcs/send-groups", json=GROUP).json()["data"]
    seen = []
    for seconds in advances:
        client.post("/__mock/clock", json={"advance": seconds})
        seen.append(client.get(f"{B}/campaigns/{campaign['id']}").json()["data"]["status"])
    return seen


def test_the_server_value_is_every_tenants_default_and_a_tenant_overrides_its_own():
    mine, theirs = _tenant("settings-mine"), _tenant("settings-theirs")
    assert mine.get("/__mock/bsg/settings").json()["moderation_seconds"] == 30  # --set, not the declared 60
    assert mine.put("/__mock/bsg/settings", json={"moderation_seconds": 5}).json()["moderation_seconds"] == 5
    assert _statuses_after(mine, 4, 2)[0] == "moderation" != _statuses_after(mine, 6)[0]
    assert _statuses_after(theirs, 6, 23, 2)[:2] == ["moderation", "moderation"]  # the server's 30 for them
    assert _statuses_after(theirs, 31)[0] != "moderation"
    assert mine.put("/__mock/bsg/settings", json={"moderation_seconds": None}).json()["moderation_seconds"] == 30
    mine.put("/__mock/bsg/settings", json={"moderation_seconds": 1})
    mine.post("/__mock/reset")
    assert mine.get("/__mock/bsg/settings").json()["moderation_seconds"] == 30


def test_a_value_outside_the_declaration_is_refused_and_nothing_changes():
    client = _tenant("settings-refused")
    for bad in ({"moderation_seconds": -1}, {"moderation_seconds": "soon"}, {"rcs_callback_url": "ftp://x"},
                {"no_such_setting": 1}):
        assert client.put("/__mock/bsg/settings", json=bad).status_code == 422, bad
    assert client.get("/__mock/bsg/settings").json() == {"rcs_callback_url": None, "moderation_seconds": 30}


def test_the_control_contract_is_made_from_the_declaration():
    document = client_for(APP, "settings-doc").get("/__mock/openapi.json").json()
    answer = document["paths"]["/bsg/settings"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(answer["properties"]) == set(SETTINGS) == set(answer["required"])
    assert answer["properties"]["moderation_seconds"]["minimum"] == 0
