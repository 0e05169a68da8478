"""Putting one entity through the control plane changes that entity only (issue 12, defect 3): every other
entity of every provider renders exactly as before, and a send built from its campaign's meta never
writes into that campaign (nor the fixtures, which a reset brings back)."""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.commcom.helpers import freeze
from tests.support import client_for, make_app, examples

APP = make_app()
STATUSES = {(pid, name): provider.statuses.get(name) for pid, provider in APP.state.runtime.providers.items()
            for name in provider.collections}
FIXTURE = client_for(APP, "isolation-fixtures").get("/__mock/state").json()
COMMCOM_CAMPAIGNS = [c["id"] for c in FIXTURE["commcom"]["campaigns"]]
NEW_IDS = {("bsg", "campaigns"): "900", ("commcom", "campaigns"): "0b8f5a8e-2c1d-4e7a-9a51-6f0c1e2d3aff",
           ("commcom", "sends"): "5e2d7c40-8a3b-4f19-b6e2-0d4c9a7e1fff",
           ("loop-comms", "campaigns"): "cmp_new", ("loop-messaging", "campaigns"): "msg_new"}
SEND_STATUSES = ["draft", "pending", "in_progress", "sent", "failed", "cancelled", "stopped"]
SEND_TYPES = ["manual", "multistep", "planner"]


def _ids(pid: str, collection: str) -> list[str]:
    return [str(e["id"]) for e in FIXTURE[pid][collection]] + [NEW_IDS[(pid, collection)]]


def _commcom_meta() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional={
        "send_type": st.sampled_from(SEND_TYPES),
        "multistep_data": st.fixed_dictionaries({}, optional={"step_size": st.integers(1, 500),
                                                              "step_delay": st.integers(1, 90)}),
        "multistep_status": st.fixed_dictionaries({}, optional={"status": st.sampled_from(SEND_STATUSES),
                                                                "total_available_contacts": st.integers(0, 5000)}),
        "planner_data": st.fixed_dictionaries({}, optional={"days_of_week": st.lists(
            st.sampled_from(["Mon", "Tue", "Sat"]), max_size=2)}),
    })


@st.composite
def puts(draw) -> tuple[str, str, str, dict]:
    pid, collection = draw(st.sampled_from(sorted(NEW_IDS)))
    entity_id = draw(st.sampled_from(_ids(pid, collection)))
    optional = {"name": st.text("abc ", min_size=1, max_size=6)}
    if STATUSES[(pid, collection)]:
        optional["status"] = st.sampled_from(list(STATUSES[(pid, collection)]))
    if pid == "commcom":
        optional["meta"] = _commcom_meta()
    if collection == "sends":
        optional["status"] = st.sampled_from(SEND_STATUSES)
        optional["sms_campaign_id"] = st.sampled_from(COMMCOM_CAMPAIGNS)
    return pid, collection, entity_id, draw(st.fixed_dictionaries({}, optional=optional))


def _entities(state: dict) -> dict[tuple[str, str, str], dict]:
    return {(pid, name, str(entity["id"])): entity
            for pid, collections in state.items() for name, entities in collections.items() for entity in entities}


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(puts(), min_size=1, max_size=5))
def test_a_put_changes_only_its_own_entity(steps):
    client = client_for(APP, f"isolation-{uuid.uuid4().hex[:10]}")
    freeze(client)  # live sends render from the clock: hold it still
    before = _entities(client.get("/__mock/state").json())
    for pid, collection, entity_id, body in steps:
        answer = client.put(f"/__mock/{pid}/{collection}/{entity_id}", json=body)
        assert answer.status_code in (200, 422), answer.text
        after = _entities(client.get("/__mock/state").json())
        target = (pid, collection, entity_id)
        changed = sorted(key for key in before.keys() | after.keys() if key != target and before.get(key) != after.get(key))
        assert not changed, (target, body, changed)
        before = after
    # The fixtures themselves are untouched: a reset brings back exactly what a new tenant starts with.
    assert client.post("/__mock/reset").status_code == 200
    freeze(client)
    fresh = client_for(APP, f"isolation-{uuid.uuid4().hex[:10]}")
    freeze(fresh)
    assert client.get("/__mock/state").json() == fresh.get("/__mock/state").json()


def test_sends_put_one_after_another_keep_their_own_status_and_leave_the_campaign_alone():
    """The issue's repro: a stopped send, then a sent one, on the same campaign."""
    client = client_for(APP, f"isolation-{uuid.uuid4().hex[:10]}")
    freeze(client)
    campaign = COMMCOM_CAMPAIGNS[0]
    before = client.get(f"/__mock/commcom/campaigns/{campaign}").json()
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    for send_id, status in ((first, "stopped"), (second, "sent")):
        body = {"sms_campaign_id": campaign, "status": status, "meta": {"send_type": "multistep"}}
        assert client.put(f"/__mock/commcom/sends/{send_id}", json=body).status_code == 200
    assert client.get(f"/__mock/commcom/sends/{first}").json()["meta"]["multistep_status"]["status"] == "stopped"
    assert client.get(f"/__mock/commcom/sends/{second}").json()["meta"]["multistep_status"]["status"] == "sent"
    assert client.get(f"/__mock/commcom/campaigns/{campaign}").json() == before
