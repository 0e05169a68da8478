"""The control plane's contract is exact about what it accepts, and what it accepts depends on the
providers: so at start its file (`contracts/control/openapi.json`) is refined from the provider contracts.
- `/{provider}/{collection}/{id}` becomes one path per provider collection, whose body is what the
  provider's contract declares as `<Entity>Fields` (what a control-plane PUT accepts: provider-side
  constraints the documented schema does not state, such as a status enum), else the entity's own schema
  with every field optional (missing ones are defaulted); its id is typed as the entity's id;
- a fault's body names a provider, one of its operationIds, and one of the error statuses that operation
  documents (any status it documents, for a fault with a canned `body`);
- every operation documents the 422 with which the edge refuses a query parameter it does not take.
Each generated operation gets a handler bound to its provider and collection."""

import copy
from functools import partial
from typing import Any

from mockserver.api import Provider
from mockserver.call import Handler
from mockserver.contracts import Contract
from mockserver.control import routes, settings
from mockserver.openapi import renamed

ENTITY_TEMPLATE = "/{provider}/{collection}/{id}"
COLLECTION_TEMPLATE = "/{provider}/{collection}"


def _camel(*words: str) -> str:
    parts = [p for word in words for p in word.replace("-", "_").split("_") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _optional_everywhere(node: Any, schemas: dict[str, Any]) -> Any:
    """A copy in which no object requires a field, at any depth (nested objects are defaulted field by
    field too); each referenced schema gets a loose twin `<name>Fields`, made once."""
    if isinstance(node, list):
        return [_optional_everywhere(item, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "required" and isinstance(value, list):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
            name = value.rsplit("/", 1)[-1]
            loose = name if name.endswith("Fields") else f"{name}Fields"
            if loose not in schemas:
                schemas[loose] = {}  # claimed first, so a schema that refers to itself ends here
                schemas[loose] = _optional_everywhere(schemas[name], schemas)
            out[key] = f"#/components/schemas/{loose}"
        else:
            out[key] = _optional_everywhere(value, schemas)
    return out


def _fields_schema(declared: dict[str, Any] | None, entity: dict[str, Any], statuses: tuple[str, ...] | None,
                   schemas: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PUT body's schema and the id's: the contract's own `<Entity>Fields` if it declares one, else
    the entity loosened at every depth (plus the provider's status list)."""
    if declared is not None:
        fields = copy.deepcopy(declared)
    else:
        fields = _optional_everywhere(entity, schemas)
        if statuses:
            fields.setdefault("properties", {})["status"] = {"enum": list(statuses)}
    id_schema = fields.get("properties", {}).pop("id", None) or entity.get("properties", {}).get("id", {"type": "string"})
    if id_schema.get("type") == "string":
        id_schema = {"minLength": 1, **id_schema}
    return fields, id_schema


def refine(document: dict[str, Any], providers: dict[str, Provider],
           contracts: dict[str, Contract]) -> tuple[dict[str, Any], dict[str, Handler]]:
    document = copy.deepcopy(document)
    handlers: dict[str, Handler] = dict(routes.HANDLERS)
    template = document["paths"].pop(ENTITY_TEMPLATE)
    listing = document["paths"].pop(COLLECTION_TEMPLATE)
    schemas = document["components"]["schemas"]
    fault_choices: list[dict[str, Any]] = []
    for pid, provider in providers.items():
        provider_schemas = contracts[pid].document.get("components", {}).get("schemas", {})
        for name, schema in provider_schemas.items():
            schemas[f"{pid}_{name}"] = renamed(schema, f"{pid}_")
        for collection, ref in provider.collections.items():
            entity_name = f"{pid}_{ref.rsplit('/', 1)[-1]}"
            entity = schemas[entity_name]
            fields_name = f"{entity_name}Fields"
            schemas[fields_name], id_schema = _fields_schema(
                schemas.get(fields_name), entity, provider.statuses.get(collection), schemas)
            item: dict[str, Any] = {"parameters": [{"name": "id", "in": "path", "required": True,
                                                    "schema": id_schema}]}
            for method, kind, handler in (("get", "Get", routes.get_entity), ("put", "Put", routes.put_entity),
                                          ("delete", "Delete", routes.delete_entity)):
                operation = copy.deepcopy(template[method])
                operation["operationId"] = f"{kind.lower()}{_camel(pid, collection)}"
                operation["summary"] = f"{operation['summary']}: {pid} {collection}"
                entity_response = {"description": "The entity as its provider renders it", "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{entity_name}"}}}}
                if method != "delete":
                    operation["responses"]["200"] = entity_response
                if method == "put":
                    operation["requestBody"] = {"required": True, "content": {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{fields_name}"}}}}
                item[method] = operation
                handlers[operation["operationId"]] = partial(handler, provider_id=pid, collection=collection)
            document["paths"][f"/{pid}/{collection}/{{id}}"] = item
            document["paths"][f"/{pid}/{collection}"] = _listing(listing, pid, collection, entity_name)
            handlers[f"list{_camel(pid, collection)}"] = partial(routes.list_entities, provider_id=pid,
                                                                 collection=collection)
        fault_choices.append(_fault_choice(pid, contracts[pid]))
    settings.add_paths(document, providers, handlers)
    fault = schemas["FaultRequest"]
    fault["properties"]["provider"] = {"enum": list(providers)}
    fault.setdefault("allOf", []).extend(fault_choices)
    _refuse_what_is_not_understood(document)
    return document, handlers


def _fault_choice(provider_id: str, contract: Contract) -> dict[str, Any]:
    """For a fault on this provider: one of its operationIds, and one of the error statuses that operation
    documents, or, for a canned answer (`body`), any status it documents with a JSON body. Conditions
    (if/then), not a oneOf of every (provider, operation) pair: a refusal then names what is wrong and
    lists what would do (the provider's operationIds, the operation's statuses) instead of
    "'createCampaign' was expected" from whichever pair came closest."""
    statuses = []
    for operation in contract.operations:
        # A canned answer's body is checked against its status's answer when armed (routes.add_fault), not
        # here: schemathesis cannot generate from some providers' answer schemas inlined per status.
        answers = _json_answers(operation)
        statuses.append({
            "if": {"properties": {"operationId": {"const": operation.operation_id}}},
            "then": {"if": {"required": ["body"]},
                     "then": {"properties": {"status": {"enum": answers}}},
                     "else": {"properties": {"status": {"enum": sorted(s for s in operation.responses
                                                                     if s >= 400)}}}}})
    return {"if": {"properties": {"provider": {"const": provider_id}}},
            "then": {"properties": {"operationId": {"enum": [op.operation_id for op in contract.operations]}},
                     "allOf": statuses}}


def _json_answers(operation: Any) -> list[int]:
    """The statuses for which the operation documents a JSON body: those a canned answer may give."""
    return sorted(status for status, schema in operation.responses.items() if schema is not None)


def _refuse_what_is_not_understood(document: dict[str, Any]) -> None:
    """Every control-plane operation refuses a query parameter it does not take (the edge says which),
    so each documents a 422."""
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("422", {"$ref": "#/components/responses/Invalid"})


def _listing(template: dict[str, Any], provider_id: str, collection: str, entity_name: str) -> dict[str, Any]:
    """GET /{provider}/{collection} for one collection: a page of its entities, typed as the entity."""
    operation = copy.deepcopy(template["get"])
    operation["operationId"] = f"list{_camel(provider_id, collection)}"
    operation["summary"] = f"{operation['summary']}: {provider_id} {collection}"
    count = {"type": "integer", "minimum": 0}
    operation["responses"]["200"] = {"description": "A page of the collection", "content": {"application/json": {
        "schema": {"type": "object", "required": ["items", "total", "offset", "limit"], "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{entity_name}"}},
            "total": count, "offset": count, "limit": count}}}}}
    return {"get": operation}
