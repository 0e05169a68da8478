"""Control-plane handlers: health, reset, state, one entity, the clock. Each acts on the caller's
tenant (the bearer token) only."""

from typing import Any

from mockserver.api import Call, EntityRejected, Reply
from mockserver.clock import iso, parse_iso
from mockserver.errors import CodeMessageErrors

ERRORS = CodeMessageErrors(with_details=True, validation_status=422)
_error = ERRORS.error


def health(call: Call) -> Reply:
    return 200, {"status": "ok", "contract_violations": call.runtime.violations.total}


def reset(call: Call) -> Reply:
    with_fixtures = call.query.get("fixtures", True)
    call.tenant.reset(with_fixtures=with_fixtures)
    return 200, {"status": "reset", "fixtures": with_fixtures}


def get_state(call: Call) -> Reply:
    return 200, {pid: backend.dump() for pid, backend in call.tenant.backends.items()}


def _collection(call: Call) -> tuple[Any, str, Any]:
    provider_id, collection = call.params["provider"], call.params["collection"]
    provider = call.runtime.providers.get(provider_id)
    if provider is None:
        raise _error(404, "not_found", f"No provider {provider_id!r}.",
                     {"providers": sorted(call.runtime.providers)})
    if collection not in provider.collections:
        raise _error(404, "not_found", f"{provider_id} has no collection {collection!r}.",
                     {"collections": list(provider.collections)})
    schema = call.runtime.contracts[provider_id].schema(provider.collections[collection])
    return call.tenant.backends[provider_id], collection, schema


def get_entity(call: Call) -> Reply:
    backend, collection, _ = _collection(call)
    entity = backend.get_entity(collection, call.params["id"])
    if entity is None:
        raise _error(404, "not_found", f"No {collection} entity {call.params['id']!r}.")
    return 200, entity


def put_entity(call: Call) -> Reply:
    backend, collection, schema = _collection(call)

    def check(rendered: dict[str, Any]) -> list[str]:
        return [f"{p.field or 'entity'}: {p.message}" for p in schema.problems(rendered)]

    try:
        return 200, backend.put_entity(collection, call.params["id"], call.body, check)
    except EntityRejected as rejected:
        raise _error(422, "invalid_entity", "The fields do not make a valid entity.",
                     {"reasons": rejected.reasons}) from None


def _clock(call: Call) -> dict[str, Any]:
    return {"now": iso(call.tenant.clock.now()), "frozen": call.tenant.clock.frozen}


def get_clock(call: Call) -> Reply:
    return 200, _clock(call)


def set_clock(call: Call) -> Reply:
    clock, body = call.tenant.clock, call.body
    if "freeze" in body:
        clock.freeze(body["freeze"])
    if "now" in body:
        clock.set(parse_iso(body["now"]))
    if "advance" in body:
        clock.advance(body["advance"])
    return 200, _clock(call)


HANDLERS = {
    "health": health,
    "reset": reset,
    "getState": get_state,
    "getEntity": get_entity,
    "putEntity": put_entity,
    "getClock": get_clock,
    "setClock": set_clock,
}


def get_requests(call: Call) -> Reply:
    q = call.query
    entries = call.tenant.journal.select(q.get("provider"), q.get("operationId"), q.get("method"), q.get("status"))
    return 200, {"requests": [entry.render() for entry in entries]}


def clear_requests(call: Call) -> Reply:
    cleared = len(call.tenant.journal)
    call.tenant.journal.clear()
    return 200, {"cleared": cleared}


def add_fault(call: Call) -> Reply:
    body = call.body
    provider_id, operation_id = body["provider"], body["operationId"]
    if provider_id not in call.runtime.providers:
        raise _error(422, "invalid_fault", f"No provider {provider_id!r}.", {"providers": sorted(call.runtime.providers)})
    operation = call.runtime.contracts[provider_id].by_id.get(operation_id)
    if operation is None:
        raise _error(422, "invalid_fault", f"{provider_id} has no operation {operation_id!r}.",
                     {"operations": sorted(call.runtime.contracts[provider_id].by_id)})
    # A fault may only answer what the operation documents as an error: its body then keeps the contract.
    documented = sorted(status for status in operation.responses if status >= 400)
    status = body.get("status")
    if status is not None and status not in documented:
        raise _error(422, "invalid_fault", f"{operation_id} does not document status {status}.",
                     {"documented": documented})
    if status is None and not body.get("drop") and not body.get("delay_ms"):
        raise _error(422, "invalid_fault", "A fault needs a status, a delay_ms or drop.", {"documented": documented})
    fault = call.tenant.faults.add(provider=provider_id, operation_id=operation_id, status=status,
                                   delay_ms=body.get("delay_ms", 0), drop=body.get("drop", False),
                                   times=body.get("times", 1), match=body.get("match", {}))
    return 201, fault.render()


def list_faults(call: Call) -> Reply:
    return 200, {"faults": [fault.render() for fault in call.tenant.faults]}


def clear_faults(call: Call) -> Reply:
    return 200, {"removed": call.tenant.faults.remove()}


def delete_fault(call: Call) -> Reply:
    if not call.tenant.faults.remove(call.params["id"]):
        raise _error(404, "not_found", f"No fault {call.params['id']!r}.")
    return 200, {"removed": 1}


HANDLERS.update({
    "getRequests": get_requests,
    "clearRequests": clear_requests,
    "addFault": add_fault,
    "listFaults": list_faults,
    "clearFaults": clear_faults,
    "deleteFault": delete_fault,
})
