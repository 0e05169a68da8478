"""The OpenAPI documents served to clients and to schemathesis, built from the contracts: one per API
(paths relative to its prefix) and one for everything (full paths, control plane included)."""

import copy
from typing import Any

import orjson

from mockserver.api import Api
from mockserver.contracts import Contract

COMPONENTS_REF = "#/components/"


def api_document(api: Api, contract: Contract) -> dict[str, Any]:
    document = copy.deepcopy(contract.document)
    document["servers"] = [{"url": api.prefix}]
    for item in document.get("paths", {}).values():
        for operation in item.values():
            _declare_body_limit(operation, document)
    return document


def _declare_body_limit(operation: Any, document: dict[str, Any]) -> None:
    """The edge refuses a body over its limit with 413 before any operation sees it (README: contracts):
    say so on every operation that takes a body, in the API's error shape, so a client or a fuzzer that
    sends one is not told an undocumented status."""
    if isinstance(operation, dict) and "requestBody" in operation and "x-error-schema" in document:
        operation["responses"].setdefault("413", {
            "description": "The body is over the mock's size limit (1 MiB by default)",
            "x-mock-assumption": "the mock's own limit; the providers document none",
            "content": {"application/json": {"schema": {"$ref": document["x-error-schema"]}}}})


def renamed(node: Any, prefix: str) -> Any:
    """Components of all APIs share one namespace in the combined document: prefix their names."""
    if isinstance(node, dict):
        return {key: (COMPONENTS_REF + _prefixed(value[len(COMPONENTS_REF):], prefix)
                      if isinstance(value, str) and value.startswith(COMPONENTS_REF) else renamed(value, prefix))
                for key, value in node.items()}
    if isinstance(node, list):
        return [renamed(item, prefix) for item in node]
    return node


def _prefixed(pointer: str, prefix: str) -> str:
    kind, _, name = pointer.partition("/")
    return pointer if kind == "securitySchemes" else f"{kind}/{prefix}{name}"


def combined_document(apis: list[Api], contracts: dict[str, Contract]) -> dict[str, Any]:
    combined: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "mockserver: every provider and the control plane", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {},
    }
    for api in apis:
        document = renamed(contracts[api.id].document, f"{api.id}_")
        security = document.get("security")
        for path, item in document.get("paths", {}).items():
            item = copy.deepcopy(item)
            for operation in item.values():
                _declare_body_limit(operation, document)
                if isinstance(operation, dict) and "responses" in operation:
                    if security is not None:
                        operation.setdefault("security", security)
                    for answer in operation["responses"].values():
                        if COMBINED_LINKS in answer:
                            answer["links"] = {**answer.get("links", {}), **answer.pop(COMBINED_LINKS)}
            combined["paths"][api.prefix + path] = item
        for kind, entries in document.get("components", {}).items():
            for name, value in entries.items():
                # Security requirements name their scheme by key, not by $ref: every API shares "bearer".
                key = name if kind == "securitySchemes" else f"{api.id}_{name}"
                combined["components"].setdefault(kind, {})[key] = value
    _link_control_plane(combined, apis, contracts)
    return combined


CONTROL_LINKS = "x-mock-control-links"  # in a provider's contract: {collection: {operationId: {param: field}}}
# On a provider's response: links to the control plane (e.g. put a send of the campaign just created),
# which only the combined document holds; each API's own document keeps them as an inert extension.
COMBINED_LINKS = "x-mock-combined-links"
# In a provider's contract: {collection: {operationId: {body field: entity field}}}: from the control plane's
# GET /state to a public create, its body filled from the first entity of that collection (a brand that
# exists). schemathesis only starts its stateful runs at operations whose inputs it believes something
# produces, and it takes brand_id/segment_id for ids of resources nothing here creates: without this link
# it never calls these creates, so nothing downstream of them gets a real entity. (GET /state, not a
# collection's list: a generated offset past the end lists nothing to fill the body from.)
STATE_LINKS = "x-mock-state-links"


def _link_control_plane(combined: dict[str, Any], apis: list[Api], contracts: dict[str, Contract]) -> None:
    """A control-plane PUT makes an entity in any state: link it to the provider operations that can act on
    that entity (each provider's contract names them, with the entity field that fills each path parameter),
    so stateful fuzzing reaches them with entities in every state. Only here, where both ends are: the
    control plane's own document would point at operations it does not hold."""
    control = next((api for api in apis if api.id == "control"), None)
    if control is None:
        return
    for api in apis:
        for collection in getattr(api, "collections", {}):
            item = combined["paths"].get(f"{control.prefix}/{api.id}/{collection}/{{id}}", {})
            if "put" in item:  # the entity just put can be read and deleted
                answer = item["put"]["responses"]["200"]
                answer["links"] = {**answer.get("links", {}), **{
                    item[method]["operationId"]: {"operationId": item[method]["operationId"],
                                                  "parameters": {"id": "$request.path.id"}}
                    for method in ("get", "delete") if method in item}}
        operations = {operation.operation_id: operation for operation in contracts[api.id].operations}
        for collection, targets in contracts[api.id].document.get(STATE_LINKS, {}).items():
            answer = combined["paths"][f"{control.prefix}/state"]["get"]["responses"]["200"]
            for target, fields in targets.items():
                in_path = {p.name for p in operations[target].parameters if p.location == "path"}
                values = {name: f"$response.body#/{api.id}/{collection}/0/{field}" for name, field in fields.items()}
                link: dict[str, Any] = {"operationId": target}
                if in_path & set(values):
                    link["parameters"] = {name: value for name, value in values.items() if name in in_path}
                if set(values) - in_path:
                    link["requestBody"] = {name: value for name, value in values.items() if name not in in_path}
                answer["links"] = {**answer.get("links", {}), target: link}
        for collection, targets in contracts[api.id].document.get(CONTROL_LINKS, {}).items():
            item = combined["paths"].get(f"{control.prefix}/{api.id}/{collection}/{{id}}")
            if item is None or "put" not in item:
                continue
            answer = item["put"]["responses"]["200"]
            answer["links"] = {**answer.get("links", {}), **{
                target: {"operationId": target,
                         "parameters": {name: f"$response.body#/{field}" for name, field in parameters.items()}}
                for target, parameters in targets.items()}}


def encode(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)
