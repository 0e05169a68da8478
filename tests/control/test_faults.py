"""Fault injection, for every provider operation that documents a 5xx or a 429: the fault makes it answer
exactly that, with a body that keeps the contract, and changes no state. Then delay, drop and `times`."""

import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.support import client_for, make_app

APP = make_app()
TOKEN = "faults"
FAULTABLE = [
    (provider.id, operation.operation_id, status)
    for provider in APP.state.runtime.providers.values()
    for operation in APP.state.runtime.contracts[provider.id].operations
    for status in operation.responses
    if status >= 500 or status == 429
]


def _operation(provider_id: str, operation_id: str):
    prefix = APP.state.runtime.providers[provider_id].prefix
    schema = schemathesis.openapi.from_asgi(f"{prefix}/openapi.json", APP)
    return schema.find_operation_by_id(operation_id)


@pytest.mark.parametrize(("provider_id", "operation_id", "status"), FAULTABLE)
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fault_answers_the_documented_error_and_changes_nothing(provider_id, operation_id, status, data):
    client = client_for(APP, TOKEN)
    client.post("/__mock/reset")
    client.post("/__mock/clock", json={"freeze": True})
    before = client.get("/__mock/state").json()
    case = data.draw(_operation(provider_id, operation_id).as_strategy())
    # Only calls that reach the operation (an empty path segment may match no route for some providers).
    assume(all(str(value) for value in (case.path_parameters or {}).values()))
    armed = client.post("/__mock/faults", json={"provider": provider_id, "operationId": operation_id,
                                                "status": status})
    assert armed.status_code == 201, armed.text

    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == status, response.text
    # The status is documented and the body is the one the contract gives for it.
    case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
    assert client.get("/__mock/state").json() == before
    assert client.get("/__mock/faults").json() == {"faults": []}  # times=1: spent
    [entry] = client.get("/__mock/requests", params={"operationId": operation_id}).json()["requests"][-1:]
    assert entry["fault"] == armed.json()["id"]


def test_the_seeds_documented_5xx_are_all_faultable():
    assert {("loop-comms", op, 500) for op in ("createCampaign", "sendCampaign", "cancelCampaign",
                                               "getCampaignHistory")} <= set(FAULTABLE)


def test_seed_cancel_failed_body_and_campaign_unchanged():
    client = client_for(make_app(), "seed-500")
    client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", "status": 500})
    response = client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    assert response.status_code == 500
    assert response.json()["message"] == "Cancel failed"  # seed 000's words for its 500
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"


def test_undocumented_status_is_refused_with_the_documented_ones():
    client = client_for(make_app(), "refused")
    response = client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign",
                                                   "status": 418})
    assert response.status_code == 422
    assert response.json()["details"] == {"status": "418 is not one of [401, 404, 409, 500]"}
    for bad in ({"provider": "nope", "operationId": "x", "status": 500},
                {"provider": "loop-comms", "operationId": "nope", "status": 500},
                {"provider": "loop-comms", "operationId": "cancelCampaign", "status": 200}):
        assert client.post("/__mock/faults", json=bad).status_code == 422


def test_times_counts_down_and_null_lasts_until_deleted():
    client = client_for(make_app(), "times")
    fault = {"provider": "loop-comms", "operationId": "getCampaignHistory", "status": 500}
    client.post("/__mock/faults", json={**fault, "times": 2})
    history = "/loop-comms/v1/admin/campaigns/cmp_sent/history"
    assert [client.get(history).status_code for _ in range(3)] == [500, 500, 200]
    forever = client.post("/__mock/faults", json={**fault, "times": None}).json()
    assert [client.get(history).status_code for _ in range(3)] == [500, 500, 500]
    assert client.get("/__mock/faults").json()["faults"][0]["times"] is None
    assert client.delete(f"/__mock/faults/{forever['id']}").status_code == 200
    assert client.get(history).status_code == 200


def test_match_limits_a_fault_to_matching_calls():
    client = client_for(make_app(), "match")
    client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", "status": 500,
                                        "match": {"params": {"id": "cmp_scheduled"}}})
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 200
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_scheduled/cancel").status_code == 500


def test_faults_are_per_tenant_and_reset_clears_them():
    app = make_app()
    a, b = client_for(app, "fault-a"), client_for(app, "fault-b")
    a.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", "status": 500,
                                   "times": None})
    assert b.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 200
    assert b.get("/__mock/faults").json() == {"faults": []}
    a.post("/__mock/reset")
    assert a.get("/__mock/faults").json() == {"faults": []}


def test_delay_and_drop_over_real_http():
    from mockserver.pytest_plugin import RunningServer
    from mockserver.settings import Settings

    with RunningServer(Settings(strict=True)) as server:
        headers = {"Authorization": "Bearer delay-drop"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=5) as client:
            client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "getCampaignHistory",
                                                "delay_ms": 400})
            started = time.monotonic()
            response = client.get("/loop-comms/v1/admin/campaigns/cmp_sent/history")
            assert response.status_code == 200 and time.monotonic() - started >= 0.4

            client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign",
                                                "drop": True})
            with pytest.raises(httpx.TransportError):
                client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=5) as client:
            # The dropped call changed nothing and the server is still serving.
            assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "draft"
            assert client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 200
