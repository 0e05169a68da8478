"""An id that names nothing gets the provider's own 404, in the documents' words: for an unknown id and,
as a router would answer it, for a malformed one (a BSG id that is not a number, a comm.com id that is
not a UUID). Expected texts are the seeds' (000, 002, 004) and PROVIDERS.md's, copied here."""

import pytest

from tests.support import client_for, strict_module_app as app  # noqa: F401 (a fixture)

SEED_000_002 = "Campaign not found"  # loop-comms send and cancel: "404 Campaign not found"
SEED_004 = "Not found"  # loop-messaging schedule and publish: "404 Not found"
BSG_SDK = {"message": "Model not found"}  # PROVIDERS.md: the SDK's 404 body
LARAVEL = "No query results for model [App\\Models\\{model}] {id}"  # route model binding's 404
UNKNOWN_UUID = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
ONE = {"recipients": [{"person_id": "p1", "recipient": "ann@example.com"}]}


@pytest.fixture
def client(app):  # noqa: F811
    return client_for(app, "not-found-words")


@pytest.mark.parametrize("action", ["send", "cancel"])
def test_loop_comms_says_campaign_not_found(client, action):
    response = client.post(f"/loop-comms/v1/admin/campaigns/cmp_nope/{action}", json=ONE)
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": SEED_000_002}


@pytest.mark.parametrize(("action", "body"), [("schedule", {"scheduled_at": "2030-01-01T00:00:00Z"}),
                                              ("publish", ONE)])
def test_loop_messaging_says_not_found(client, action, body):
    response = client.post(f"/loop-messaging/v1/messaging/campaigns/msg_nope/{action}", json=body)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and response.json()["message"] == SEED_004


@pytest.mark.parametrize("campaign_id", ["999999", "abc", "1.5", "-"])
@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("PUT", "/stop"), ("PATCH", "/stop"), ("PUT", "/renew")])
def test_bsg_unknown_and_malformed_ids_get_model_not_found(client, campaign_id, method, suffix):
    response = client.request(method, f"/bsg/api/campaigns/{campaign_id}{suffix}")
    assert response.status_code == 404, response.text
    assert response.json() == BSG_SDK


@pytest.mark.parametrize("campaign_id", [UNKNOWN_UUID, "abc", "not-a-uuid-at-all"])
def test_commcom_unknown_and_malformed_campaign_ids_get_route_bindings_404(client, campaign_id):
    response = client.get(f"/commcom/api/v1/sms/campaigns/{campaign_id}")
    assert response.status_code == 404, response.text
    assert response.json() == {"message": LARAVEL.format(model="SmsCampaign", id=campaign_id)}


def test_commcom_a_malformed_send_id_names_the_send_model(client):
    campaign = client.get("/__mock/state").json()["commcom"]["campaigns"][0]["id"]
    response = client.post(f"/commcom/api/v1/sms/campaigns/{campaign}/stop/xyz")
    assert response.status_code == 404, response.text
    assert response.json() == {"message": LARAVEL.format(model="SmsCampaignSend", id="xyz")}
