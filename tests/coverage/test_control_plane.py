"""The rest of the control plane a consumer needs: list a collection (paged), delete one entity, an index
of what is there, and the journal filtered by path, status and time window, with a count."""

from tests.support import client_for

LOOP_COMMS_FIXTURES = ["cmp_draft", "cmp_draft_sms", "cmp_scheduled", "cmp_sending", "cmp_sent", "cmp_cancelled"]


def test_a_collection_is_listed_in_pages(client):
    first = client.get("/__mock/loop-comms/campaigns", params={"limit": 4}).json()
    second = client.get("/__mock/loop-comms/campaigns", params={"offset": 4, "limit": 4}).json()
    assert first["total"] == second["total"] == len(LOOP_COMMS_FIXTURES)
    assert [c["id"] for c in first["items"] + second["items"]] == LOOP_COMMS_FIXTURES
    assert (first["offset"], first["limit"], second["offset"]) == (0, 4, 4)
    assert client.get("/__mock/loop-comms/campaigns", params={"limit": 0}).status_code == 422


def test_an_entity_is_deleted_and_then_gone_for_the_provider_too(client):
    assert client.delete("/__mock/loop-comms/campaigns/cmp_draft").json() == {"removed": 1}
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").status_code == 404
    assert client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel").status_code == 404
    assert client.delete("/__mock/loop-comms/campaigns/cmp_draft").status_code == 404
    ids = [c["id"] for c in client.get("/__mock/loop-comms/campaigns").json()["items"]]
    assert "cmp_draft" not in ids and len(ids) == len(LOOP_COMMS_FIXTURES) - 1


def test_deleting_touches_only_the_callers_tenant(app, client):
    client.delete("/__mock/loop-comms/campaigns/cmp_draft")
    assert client_for(app, "another").get("/__mock/loop-comms/campaigns/cmp_draft").status_code == 200


def test_the_index_says_what_is_there_without_a_token(anonymous):
    for path in ("/__mock",):
        index = anonymous.get(path)
        assert index.status_code == 200
        body = index.json()
        providers = {p["id"]: p for p in body["providers"]}
        assert set(providers) == {"loop-comms", "loop-messaging", "commcom", "bsg"}
        assert providers["commcom"]["base_path"] == "/commcom/api"
        assert anonymous.get(providers["commcom"]["openapi"]).status_code == 200
        assert body["control"]["base_path"] == "/__mock" and body["openapi"] == "/openapi.json"


def test_the_journal_filters_by_path_status_and_time_window_and_counts(client):
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-01-01T10:00:00Z"})
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")  # 200 at 10:00
    client.post("/__mock/clock", json={"advance": 3600})
    client.post("/loop-comms/v1/admin/campaigns/cmp_draft/cancel")  # 409 at 11:00
    client.post("/loop-comms/v1/admin/campaigns/cmp_sent/cancel")  # 409 at 11:00

    def journal(**query):
        body = client.get("/__mock/requests", params=query).json()
        assert body["count"] == len(body["requests"])
        return [(r["path"].split("/")[-2], r["status"]) for r in body["requests"]]

    assert journal(path="/v1/admin/campaigns/cmp_draft/cancel") == [("cmp_draft", 200), ("cmp_draft", 409)]
    assert journal(status=409) == [("cmp_draft", 409), ("cmp_sent", 409)]
    assert journal(since="2026-01-01T10:30:00Z") == [("cmp_draft", 409), ("cmp_sent", 409)]
    assert journal(until="2026-01-01T10:30:00Z") == [("cmp_draft", 200)]
    assert journal(since="2026-01-01T10:30:00Z", path="/v1/admin/campaigns/cmp_sent/cancel") == [("cmp_sent", 409)]


def test_unknown_query_parameters_are_refused_with_their_names(client):
    refused = client.get("/__mock/requests", params={"operation_id": "cancelCampaign"})
    assert refused.status_code == 422
    assert "operation_id" in refused.text
    assert client.get("/__mock/loop-comms/campaigns", params={"page": 2}).status_code == 422
    assert client.get("/__mock/coverage", params={"scopes": "server"}).status_code == 422
