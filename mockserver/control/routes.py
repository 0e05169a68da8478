"""Control-plane handlers: health, reset, state, one entity, the clock. Each acts on the caller's
tenant (the bearer token) only."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from mockserver import coverage
from mockserver.api import EntityRejected, Reply, Text
from mockserver.call import Call
from mockserver.clock import ClockOutOfRange, check_in_range, iso, parse_iso
from mockserver.errors import CodeMessageErrors, Problem
from mockserver.streaming import Streamed

PREFIX = "/__mock"  # where the control plane is mounted
ERRORS = CodeMessageErrors(with_details=True, validation_status=422)
_error = ERRORS.error


def health(call: Call) -> Reply:
    return 200, {"status": "ok", "contract_violations": call.runtime.violations.total,
                 "unauthenticated": dict(call.runtime.unauthenticated)}


def reset(call: Call) -> Reply:
    with_fixtures = call.query.get("fixtures", True)
    call.tenant.reset(with_fixtures=with_fixtures)
    call.runtime.callbacks.forget(call.tenant)
    call.runtime.coverage.forget(call.tenant.token)
    return 200, {"status": "reset", "fixtures": with_fixtures}


def get_state(call: Call) -> Reply:
    """Streamed an entity at a time: a tenant holding much must not hold up every other tenant."""
    return 200, Streamed(_state_pieces(call.tenant.backends))


def _state_pieces(backends: dict[str, Any]) -> Iterator[bytes]:
    yield b"{"
    for index, (pid, backend) in enumerate(list(backends.items())):
        yield b"%s%s:" % (b"," if index else b"", orjson.dumps(pid))
        yield from backend.dump_pieces()
    yield b"}"


def get_entity(call: Call, provider_id: str, collection: str) -> Reply:
    entity = call.tenant.backends[provider_id].get_entity(collection, str(call.params["id"]))
    if entity is None:
        raise _error(404, "not_found", f"No {provider_id} {collection} entity {call.params['id']!r}.")
    return 200, entity


def put_entity(call: Call, provider_id: str, collection: str) -> Reply:
    provider = call.runtime.providers[provider_id]
    schema = call.runtime.contracts[provider_id].schema(provider.collections[collection])

    def check(rendered: dict[str, Any]) -> list[str]:
        return [f"{p.field or 'entity'}: {p.message}" for p in schema.problems(rendered)]

    try:
        return 200, call.tenant.backends[provider_id].put_entity(collection, str(call.params["id"]), call.body, check)
    except EntityRejected as rejected:
        raise _error(422, "invalid_entity", "The fields do not make a valid entity.",
                     {"reasons": rejected.reasons}) from None


def _clock(call: Call) -> dict[str, Any]:
    return {"now": iso(call.tenant.clock.now()), "frozen": call.tenant.clock.frozen}


def get_clock(call: Call) -> Reply:
    return 200, _clock(call)


def set_clock(call: Call) -> Reply:
    """All or nothing: an instant outside the clock's range (mockserver.clock: EARLIEST .. LATEST), from
    `now`, from `advance` or from both, is refused 422 before anything changes."""
    clock, body = call.tenant.clock, call.body
    start = clock.timestamp()
    try:
        if "now" in body:
            start = check_in_range(parse_iso(body["now"]).timestamp(), "this time")
    except (ClockOutOfRange, ValueError, OverflowError) as refused:
        raise ERRORS.invalid([Problem("now", str(refused))]) from None
    try:
        check_in_range(start + body.get("advance", 0), f"advancing {body.get('advance', 0)} s")
    except ClockOutOfRange as refused:
        raise ERRORS.invalid([Problem("advance", str(refused))]) from None
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
    "getClock": get_clock,
    "setClock": set_clock,
}


def get_requests(call: Call) -> Reply:
    q = call.query
    entries = call.tenant.journal.select(q.get("provider"), q.get("operationId"), q.get("method"), q.get("status"))
    since, until = (parse_iso(q[name]) if name in q else None for name in ("since", "until"))
    found = [entry for entry in entries
             if ("path" not in q or entry.path == q["path"]) and _within(entry.time, since, until)]
    shown = found if "latest" not in q else found[:-q["latest"] - 1:-1]  # the newest, newest first
    return 200, {"requests": [entry.render() for entry in shown], "count": len(found)}


def _within(time: str, since: datetime | None, until: datetime | None) -> bool:
    if since is None and until is None:
        return True
    moment = parse_iso(time)
    return (since is None or moment >= since) and (until is None or moment <= until)


def clear_requests(call: Call) -> Reply:
    cleared = len(call.tenant.journal)
    call.tenant.journal.clear()
    return 200, {"cleared": cleared}


def add_fault(call: Call) -> Reply:
    # The refined contract has already checked that the provider, the operation and the status exist and
    # that the operation documents the status (as an error, unless the fault brings its own body): the
    # provider's documented body then keeps the contract, and a canned one is checked here.
    body = call.body
    if "body" in body:
        _check_canned(call, body["provider"], body["operationId"], body["status"], body["body"])
    fault = call.tenant.faults.add(provider=body["provider"], operation_id=body["operationId"],
                                   status=body.get("status"), delay_ms=body.get("delay_ms", 0),
                                   drop=body.get("drop", False), times=body.get("times", 1),
                                   match=body.get("match", {}), body=body.get("body"))
    return 201, fault.render()


def _check_canned(call: Call, provider_id: str, operation_id: str, status: int, canned: Any) -> None:
    """A canned answer must be one the provider could give: it fits the operation's documented response
    for that status (else 422 with the reasons, and nothing armed)."""
    schema = call.runtime.contracts[provider_id].by_id[operation_id].responses[status]
    if schema is None:
        reasons = [f"{operation_id} documents no JSON body for {status}"]
    else:
        reasons = [f"body.{p.field}: {p.message}" if p.field else f"body: {p.message}" for p in schema.problems(canned)]
    if reasons:
        raise _error(422, "invalid_body", f"The body is not a {status} answer of {operation_id}.",
                     {"reasons": reasons})


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


def get_coverage(call: Call) -> Reply:
    """Which documented outcomes and transitions were exercised: by this tenant, or (scope=server) by
    every tenant since the server started."""
    scope = call.query.get("scope", "tenant")
    book = call.runtime.coverage
    counts = book.server if scope == "server" else book.of(call.tenant.token)
    document = coverage.report(call.runtime.catalogue, counts, scope)
    if call.query.get("format") == "markdown":
        return 200, Text(coverage.markdown(document), "text/markdown; charset=utf-8")
    return 200, document


HANDLERS["getCoverage"] = get_coverage


def get_drift(call: Call) -> Reply:
    """Proxy mode: what the real providers' answers did not keep of their contracts (server-wide)."""
    return 200, call.runtime.drift.render()


HANDLERS["getDrift"] = get_drift


def list_entities(call: Call, provider_id: str, collection: str) -> Reply:
    offset, limit = call.query.get("offset", 0), call.query.get("limit", 100)
    newest_first = call.query.get("order") == "newest"
    items, total = call.tenant.backends[provider_id].list_entities(collection, offset, limit, newest_first)
    return 200, {"items": items, "total": total, "offset": offset, "limit": limit}


def delete_entity(call: Call, provider_id: str, collection: str) -> Reply:
    if not call.tenant.backends[provider_id].delete_entity(collection, str(call.params["id"])):
        raise _error(404, "not_found", f"No {provider_id} {collection} entity {call.params['id']!r}.")
    return 200, {"removed": 1}


def index_document(runtime: Any) -> dict[str, Any]:
    """What this server holds: each provider (its base path, to put in place of the real base URL, and
    its OpenAPI document), the control plane, and the combined OpenAPI document."""
    return {
        "name": "mockserver",
        "providers": [{"id": p.id, "title": p.title, "base_path": p.prefix, "openapi": f"{p.prefix}/openapi.json",
                       "collections": list(p.collections)} for p in runtime.providers.values()],
        "control": {"base_path": PREFIX, "openapi": f"{PREFIX}/openapi.json",
                    "calls": {"health": f"{PREFIX}/health", "coverage": f"{PREFIX}/coverage",
                              "journal": f"{PREFIX}/requests", "faults": f"{PREFIX}/faults",
                              "clock": f"{PREFIX}/clock", "state": f"{PREFIX}/state", "reset": f"{PREFIX}/reset",
                              "machines": f"{PREFIX}/machines", "page": f"{PREFIX}/ui",
                              "entities": f"{PREFIX}/{{provider}}/{{collection}}[/{{id}}]"}},
        "openapi": "/openapi.json",
    }


def get_index(call: Call) -> Reply:
    return 200, index_document(call.runtime)


HANDLERS["getIndex"] = get_index


def get_machines(call: Call) -> Reply:
    """Each provider's state machines, from the tables the server itself moves entities by, with how many
    of this tenant's entities sit in each status (what the live state page draws)."""
    return 200, {"providers": {
        pid: {collection: {**machine.describe(),
                           "counts": call.tenant.backends[pid].status_counts(collection)}
              for collection, machine in machines.items()}
        for pid, machines in call.runtime.catalogue.machines.items()}}


HANDLERS["getMachines"] = get_machines
