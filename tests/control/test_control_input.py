"""The control plane refuses what it would otherwise misread, and says what would do: a fault on an
unknown operation (listing the provider's operationIds), a fault that does nothing, a query parameter an
operation does not take (a misspelt journal filter). And the journal and health miss no call: a dropped
call is journaled with its fault, a call refused for its token is counted in health."""

import httpx
import pytest

from mockserver.pytest_plugin import RunningServer
from mockserver.settings import Settings
from tests.support import client_for, strict_module_app as app  # noqa: F401 (a fixture)

# loop-comms operationIds, as its contract names them (seed 000 and 002's operations, plus create/history).
LOOP_COMMS_OPERATIONS = ["createCampaign", "sendCampaign", "cancelCampaign", "getCampaignHistory"]


@pytest.fixture
def client(app, request):  # noqa: F811
    return client_for(app, f"control-input-{request.node.name}")


def test_an_unknown_operation_id_is_refused_with_the_providers_operation_ids(client):
    response = client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampain",
                                                   "status": 500})
    assert response.status_code == 422, response.text
    why = response.json()["details"]["operationId"]
    assert "cancelCampain" in why and all(name in why for name in LOOP_COMMS_OPERATIONS), why
    assert "was expected" not in response.text


def test_an_unknown_provider_is_refused_with_the_providers(client):
    response = client.post("/__mock/faults", json={"provider": "loop", "operationId": "createCampaign",
                                                   "status": 500})
    assert response.status_code == 422, response.text
    assert set(response.json()["details"]) == {"provider"}
    assert all(pid in response.json()["details"]["provider"] for pid in ("bsg", "commcom", "loop-comms"))


@pytest.mark.parametrize("body", [{}, {"delay_ms": 0}, {"drop": False}, {"delay_ms": 0, "drop": False, "times": 3}])
def test_a_fault_that_would_do_nothing_is_refused(client, body):
    response = client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", **body})
    assert response.status_code == 422, response.text
    assert "must do something" in response.json()["message"]
    assert client.get("/__mock/faults").json() == {"faults": []}


@pytest.mark.parametrize("body", [{"status": 500}, {"delay_ms": 1}, {"drop": True}])
def test_a_fault_that_does_one_thing_is_accepted(client, body):
    response = client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign", **body})
    assert response.status_code == 201, response.text


def test_a_misspelt_journal_filter_is_refused_naming_it(client):
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
    response = client.get("/__mock/requests", params={"operation_id": "createCampaign"})
    assert response.status_code == 422, response.text
    assert "operation_id" in response.json()["details"]
    assert "operationId" in response.json()["details"]["operation_id"]  # says which names it takes
    # Spelt right, the filter works: no createCampaign call was made.
    assert client.get("/__mock/requests", params={"operationId": "createCampaign"}).json()["requests"] == []


@pytest.mark.parametrize(("method", "path"), [("GET", "/__mock/health"), ("GET", "/__mock/state"),
                                              ("GET", "/__mock/clock"), ("GET", "/__mock/faults"),
                                              ("POST", "/__mock/reset"),
                                              ("GET", "/__mock/loop-comms/campaigns/cmp_draft")])
def test_every_control_operation_refuses_an_unknown_query_parameter(client, method, path):
    before = client.get("/__mock/state").json()
    response = client.request(method, path, params={"fixture": "false"})
    assert response.status_code == 422, response.text
    assert "fixture" in response.json()["details"]
    assert client.get("/__mock/state").json() == before  # refused before acting


def test_calls_refused_for_their_token_are_counted_in_health(app):  # noqa: F811
    anonymous, refused = client_for(app, None), client_for(app, "an-invalid-token")

    def counts() -> dict:
        return anonymous.get("/__mock/health").json()["unauthenticated"]

    before = counts()
    assert anonymous.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 401
    assert refused.get("/bsg/api/campaigns/1").status_code == 401
    assert refused.get("/bsg/api/campaigns/1").status_code == 401
    assert anonymous.get("/__mock/state").status_code == 401
    after = counts()
    assert after.get("loop-comms", 0) - before.get("loop-comms", 0) == 1
    assert after.get("bsg", 0) - before.get("bsg", 0) == 2
    assert after.get("control", 0) - before.get("control", 0) == 1


def test_a_dropped_call_is_journaled_with_its_fault():
    with RunningServer(Settings(strict=True)) as server:
        headers = {"Authorization": "Bearer dropped-journal"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=5) as client:
            fault = client.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "cancelCampaign",
                                                        "drop": True}).json()
            with pytest.raises(httpx.TransportError):
                client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel", params={"why": "retry-me"})
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=5) as client:
            retried = client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")
            assert retried.status_code == 200
            journal = client.get("/__mock/requests", params={"operationId": "cancelCampaign"})
            assert journal.status_code == 200, journal.text  # the entry keeps the control contract (strict)
            dropped, answered = journal.json()["requests"]
    assert (dropped["dropped"], dropped["status"], dropped["response"], dropped["fault"]) == (True, None, None, fault["id"])
    assert dropped["path"] == "/v1/admin/campaigns/cmp_draft/cancel" and dropped["query"] == {"why": "retry-me"}
    assert (answered["dropped"], answered["status"], answered["fault"]) == (False, 200, None)
