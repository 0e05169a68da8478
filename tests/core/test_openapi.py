"""GET /openapi.json: every API (providers and control plane) in one OpenAPI 3.1 document with full paths;
GET /<provider>/openapi.json: that provider's own, paths relative to its base URL."""

from collections import Counter

import pytest

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict, pointer: str):
    assert pointer.startswith("#/"), pointer
    node = document
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.fixture
def combined(anonymous):
    response = anonymous.get("/openapi.json")  # no token needed to read the API's description
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_combined_document_is_openapi_3_1(combined):
    assert combined["openapi"].startswith("3.1")
    assert combined["info"]["title"]


def test_every_operation_has_a_unique_operation_id(combined):
    ids = [operation.get("operationId") for _, _, operation in operations(combined)]
    assert ids and all(ids), [f"{m} {p}" for p, m, o in operations(combined) if not o.get("operationId")]
    duplicates = [name for name, count in Counter(ids).items() if count > 1]
    assert duplicates == []


def test_paths_carry_their_apis_prefix(app, combined):
    prefixes = [api.prefix for api in app.state.runtime.apis]
    assert "/__mock" in prefixes and "/loop-comms" in prefixes
    for path in combined["paths"]:
        assert any(path.startswith(prefix + "/") for prefix in prefixes), path


def test_every_api_is_in_it(app, combined):
    ids = {operation["operationId"] for _, _, operation in operations(combined)}
    for api in app.state.runtime.apis:
        own = {op.operation_id for op in app.state.runtime.contracts[api.id].operations}
        assert own and own <= ids, api.id
    paths = {(path, method) for path, method, _ in operations(combined)}
    assert {("/loop-comms/v1/admin/campaigns", "post"), ("/loop-comms/v1/admin/campaigns/{id}/send", "post"),
            ("/loop-comms/v1/admin/campaigns/{id}/cancel", "post"),
            ("/loop-comms/v1/admin/campaigns/{id}/history", "get"), ("/__mock/health", "get"),
            ("/__mock/clock", "post"), ("/__mock/loop-comms/campaigns/{id}", "put")} <= paths


def test_every_reference_resolves(combined):
    for pointer in set(refs(combined)):
        resolve(combined, pointer)


def test_secured_operations_say_so_and_health_does_not(combined):
    for path, _, operation in operations(combined):
        if path == "/__mock/health":
            assert operation["security"] == []
        elif path.startswith("/loop-comms/"):
            assert operation["security"] == [{"bearer": []}], path
    assert "bearer" in combined["components"]["securitySchemes"]


def test_the_providers_own_document(anonymous):
    document = anonymous.get("/loop-comms/openapi.json").json()
    assert document["servers"] == [{"url": "/loop-comms"}]
    assert set(document["paths"]) == {"/v1/admin/campaigns", "/v1/admin/campaigns/{id}/send",
                                      "/v1/admin/campaigns/{id}/cancel", "/v1/admin/campaigns/{id}/history"}
    by_id = {operation["operationId"]: operation for _, _, operation in operations(document)}
    assert {"sendCampaign", "cancelCampaign"} <= set(by_id)
    # create links to the follow-up operations, so a stateful client can start from it
    assert set(by_id["createCampaign"]["responses"]["201"]["links"]) >= {"sendCampaign", "cancelCampaign"}
    for pointer in set(refs(document)):
        resolve(document, pointer)


def test_every_operation_that_takes_a_body_documents_the_413_the_edge_answers_past_the_limit():
    # schemathesis generated a body over 1 MiB for BSG's rcs/send and was told an undocumented 413.
    from mockserver import openapi
    from tests.support import make_app

    runtime = make_app().state.runtime
    combined = openapi.combined_document(runtime.apis, runtime.contracts)
    with_body = [(path, method, operation) for path, item in combined["paths"].items()
                 for method, operation in item.items() if isinstance(operation, dict) and "requestBody" in operation]
    assert with_body and all("413" in operation["responses"] for _, _, operation in with_body)
    for api in runtime.apis:
        own = openapi.api_document(api, runtime.contracts[api.id])
        assert all("413" in operation["responses"] for item in own["paths"].values()
                   for operation in item.values() if isinstance(operation, dict) and "requestBody" in operation)
