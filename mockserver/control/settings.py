"""The control plane's per-provider settings and callback log: GET/PUT /__mock/{provider}/settings for each
provider that declares settings (its contract made from the declaration), GET /__mock/callbacks (the
delivery log) and /__mock/callbacks/faults (late, duplicated, out-of-order callbacks; mockserver.callbacks)."""

import copy
from functools import partial
from typing import Any

from mockserver import provider_settings
from mockserver.api import Provider, Reply
from mockserver.call import Call, Handler


def _values(call: Call, provider_id: str) -> dict[str, Any]:
    return provider_settings.values(call.runtime.settings.provider_values, provider_id,
                                    call.runtime.providers[provider_id].settings,
                                    call.tenant.backends[provider_id].tenant_settings)


def get_settings(call: Call, provider_id: str) -> Reply:
    return 200, _values(call, provider_id)


def put_settings(call: Call, provider_id: str) -> Reply:
    """Only the settings named change; null puts one back to the server's value (--set, else the default)."""
    mine = call.tenant.backends[provider_id].tenant_settings
    mine.update(call.body)
    for name in [name for name, value in mine.items() if value is None]:
        del mine[name]
    call.runtime.callbacks.kick(call.tenant)
    return 200, _values(call, provider_id)


def get_callbacks(call: Call) -> Reply:
    call.runtime.callbacks.kick(call.tenant)
    return 200, {"callbacks": call.runtime.callbacks.attempts(call.tenant)}


def add_callback_fault(call: Call) -> Reply:
    body = call.body
    fault = call.runtime.callbacks.add_fault(
        call.tenant, delay_seconds=body.get("delay_seconds", 0), duplicates=body.get("duplicates", 0),
        last=body.get("last", False), times=body.get("times", 1), match=body.get("match", {}))
    return 201, fault.render()


def list_callback_faults(call: Call) -> Reply:
    return 200, {"faults": [fault.render() for fault in call.runtime.callbacks.faults(call.tenant)]}


def clear_callback_faults(call: Call) -> Reply:
    return 200, {"removed": call.runtime.callbacks.clear_faults(call.tenant)}


CALLBACK_FAULT = {"type": "object", "required": ["id", "delay_seconds", "duplicates", "last", "times", "match"],
                  "properties": {
    "id": {"type": "string"},
    "delay_seconds": {"type": "number", "minimum": 0, "maximum": 86400,
                      "description": "held back this long on the tenant clock: late, after reports due later"},
    "duplicates": {"type": "integer", "minimum": 0, "maximum": 10, "description": "extra copies sent after it"},
    "last": {"type": "boolean", "description": "sent after every other report that fell due with it"},
    "times": {"type": ["integer", "null"], "minimum": 1, "description": "reports it acts on; null: until cleared"},
    "match": {"type": "object", "description": "only reports whose body contains this (a subset), e.g. "
                                               "{\"status\": \"delivered\"}"}}}


def _callback_fault_request() -> dict[str, Any]:
    request = copy.deepcopy(CALLBACK_FAULT)
    del request["required"], request["properties"]["id"]
    request["additionalProperties"] = False
    request["allOf"] = [{"x-refusal": "A callback fault must do something: give delay_seconds above 0, duplicates "
                                      "above 0, or last: true.",
                         "anyOf": [{"required": ["delay_seconds"], "properties": {"delay_seconds": {"exclusiveMinimum": 0}}},
                                   {"required": ["duplicates"], "properties": {"duplicates": {"minimum": 1}}},
                                   {"required": ["last"], "properties": {"last": {"const": True}}}]}]
    return request


def add_paths(document: dict[str, Any], providers: dict[str, Provider], handlers: dict[str, Handler]) -> None:
    """/{provider}/settings for each provider that declares settings, and /callbacks."""
    unauthorized = {"$ref": "#/components/responses/Unauthorized"}
    for pid, provider in providers.items():
        if not provider.settings:
            continue
        name = "".join(p[:1].upper() + p[1:] for p in pid.replace("-", "_").split("_"))
        declared = copy.deepcopy(dict(provider.settings))
        schema = {"type": "object", "properties": {n: provider_settings.nullable(s) for n, s in declared.items()},
                  "additionalProperties": False,
                  "description": "Only the settings named change; null puts one back to the server's value "
                                 f"(`--set {pid}.<name>=...`, else the default)"}
        answer = {"description": "This tenant's settings (the server's value where the tenant set none)",
                  "content": {"application/json": {"schema": {
                      "type": "object", "properties": declared, "additionalProperties": False,
                      "required": list(declared)}}}}
        document["paths"][f"/{pid}/settings"] = {
            "get": {"operationId": f"get{name}Settings", "summary": f"{pid}: this tenant's settings",
                    "responses": {"200": answer, "401": unauthorized}},
            "put": {"operationId": f"put{name}Settings", "summary": f"{pid}: change this tenant's settings",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {"200": answer, "401": unauthorized}}}
        handlers[f"get{name}Settings"] = partial(get_settings, provider_id=pid)
        handlers[f"put{name}Settings"] = partial(put_settings, provider_id=pid)
    attempt = {"type": "object", "required": ["id", "url", "body", "attempt", "at", "status", "error"], "properties": {
        "id": {"type": "integer"}, "url": {"type": "string"}, "body": {},
        "attempt": {"type": "integer", "minimum": 1}, "at": {"type": "string", "description": "tenant clock"},
        "status": {"type": ["integer", "null"], "description": "the receiver's status; null: no answer"},
        "error": {"type": ["string", "null"], "description": "why there was no answer"},
        "fault": {"type": ["string", "null"], "description": "the callback fault that acted on it, if any"}}}
    document["paths"]["/callbacks"] = {"get": {
        "operationId": "getCallbacks", "summary": "Every callback delivery attempt of this tenant, oldest first",
        "responses": {"200": {"description": "The attempts", "content": {"application/json": {"schema": {
            "type": "object", "required": ["callbacks"],
            "properties": {"callbacks": {"type": "array", "items": attempt}}}}}}, "401": unauthorized}}}
    handlers["getCallbacks"] = get_callbacks
    faults = {"description": "The callback faults armed", "content": {"application/json": {"schema": {
        "type": "object", "required": ["faults"],
        "properties": {"faults": {"type": "array", "items": CALLBACK_FAULT}}}}}}
    document["paths"]["/callbacks/faults"] = {
        "post": {"operationId": "addCallbackFault",
                 "summary": "Make the next matching callbacks late, duplicated or out of order",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _callback_fault_request()}}},
                 "responses": {"201": {"description": "Armed", "content": {"application/json": {"schema": CALLBACK_FAULT}}},
                               "401": unauthorized}},
        "get": {"operationId": "listCallbackFaults", "summary": "The callback faults armed",
                "responses": {"200": faults, "401": unauthorized}},
        "delete": {"operationId": "clearCallbackFaults", "summary": "Disarm every callback fault",
                   "responses": {"200": {"description": "How many were disarmed", "content": {"application/json": {
                       "schema": {"type": "object", "required": ["removed"],
                                  "properties": {"removed": {"type": "integer", "minimum": 0}}}}}},
                                 "401": unauthorized}}}
    handlers.update(addCallbackFault=add_callback_fault, listCallbackFaults=list_callback_faults,
                    clearCallbackFaults=clear_callback_faults)
