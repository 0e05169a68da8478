"""Compact sends (issue 17, point 3): a commcom send stores what differs from its type's defaults, the rest
of its meta one object shared with every other send and campaign. What each shows must stay its own: a
campaign's meta changed, a send stopped, a fixture send read, none of it shows in another, nor in the
defaults a new campaign starts from."""

import copy

from mockserver.providers.commcom import rules
from tests.commcom.helpers import BASE, advance, freeze, new_campaign, put_send, read_send, stop
from tests.support import client_for, make_app

APP = make_app()
RUNTIME = APP.state.runtime
MULTISTEP = {"send_type": "multistep", "multistep_data": {"step_size": 10, "step_delay": 5}}


def test_sends_share_the_parts_of_their_meta_that_are_the_defaults():
    client = client_for(APP, "commcom-compact-share")
    freeze(client)
    campaign = new_campaign(client)
    ids = [put_send(client, campaign, MULTISTEP, status="in_progress")["id"] for _ in range(3)]
    advance(client, 3600)
    sends = RUNTIME.tenants.get("commcom-compact-share").backends["commcom"].sends.entities
    metas = [sends[send_id].meta for send_id in ids]
    assert metas[0]["planner_data"] is metas[1]["planner_data"] is metas[2]["planner_data"]
    assert metas[0]["multistep_status"]["planner_data"] is metas[1]["multistep_status"]["planner_data"]
    assert [read_send(client, send_id)["meta"]["multistep_status"]["current_step"] for send_id in ids] == [12] * 3


def test_what_one_campaign_or_send_changes_shows_nowhere_else():
    pristine = copy.deepcopy(rules.default_meta())
    client = client_for(APP, "commcom-compact-isolated")
    freeze(client)
    one, two = new_campaign(client, "one"), new_campaign(client, "two")
    changed = {"planner_data": {"weekly_schedule": {"Mon": {"start": "10:00"}}, "days_of_week": ["Mon"]}}
    assert client.put(f"{BASE}/{one}", json={"name": "one", "meta": changed}).status_code == 200
    live = [put_send(client, two, MULTISTEP, status="in_progress")["id"] for _ in range(2)]
    advance(client, 600)
    assert stop(client, two, live[0]).status_code == 200
    shown_one = client.get(f"{BASE}/{one}").json()["data"]["meta"]["planner_data"]
    assert shown_one["weekly_schedule"]["Mon"]["start"] == "10:00" and shown_one["days_of_week"] == ["Mon"]
    assert client.get(f"{BASE}/{two}").json()["data"]["meta"] == pristine
    assert read_send(client, live[0])["status"] == "stopped"
    other = read_send(client, live[1])
    assert other["status"] == "in_progress" and other["meta"]["multistep_status"]["status"] == "in_progress"
    assert other["meta"]["planner_data"] == pristine["planner_data"]
    three = new_campaign(client, "three")
    assert client.get(f"{BASE}/{three}").json()["data"]["meta"] == pristine
    assert rules.default_meta() == pristine


def test_a_stopped_send_keeps_sharing_what_it_shared_while_live():
    client = client_for(APP, "commcom-compact-stopped")
    freeze(client)
    campaign = new_campaign(client)
    send_id = put_send(client, campaign, MULTISTEP, status="in_progress")["id"]
    advance(client, 3600)
    send = RUNTIME.tenants.get("commcom-compact-stopped").backends["commcom"].sends.entities[send_id]
    live = send.meta
    assert stop(client, campaign, send_id).status_code == 200
    stopped = send.meta
    assert stopped["multistep_status"]["status"] == "stopped"
    assert all(stopped[key] is live[key] for key in live if key != "multistep_status")
    for key in ("planner_data", "initial_brands", "last_timezones"):
        assert stopped["multistep_status"][key] is live["multistep_status"][key]
