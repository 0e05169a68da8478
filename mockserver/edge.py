"""The HTTP edge shared by every API: match the request to a contract operation, authenticate, read and
validate the body and parameters, apply any injected fault, call the handler, check the answer against
the contract, journal it, render it. Handlers only ever see validated input; clients only ever see
contract-checked output."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from urllib.parse import parse_qsl
from starlette.types import Receive, Scope, Send

from mockserver import coverage
from mockserver.api import Api, Provider, Text
from mockserver.call import Call
from mockserver.clock import iso
from mockserver.contracts import Contract, Match, Operation
from mockserver.errors import ApiError, Problem
from mockserver.faults import Fault
from mockserver.jsonlimits import MAX_DEPTH, may_be_too_deep, too_deep
from mockserver.jsonnumbers import integral_as_int, may_hold_floats
from mockserver.read_cache import KeptAnswer, ReadCache
from mockserver.runtime import Runtime
from mockserver.streaming import Streamed, stream
from mockserver.store import Undo
from mockserver.tenancy import Tenant

log = logging.getLogger("mockserver")

# Refusals made before a request is read (its size) are checked against the API's general error schema.
TRANSPORT_STATUSES = frozenset({413})
_UNREAD = object()
RAW_SEND = "mockserver.raw_send"  # scope key: a weak reference to the server's own `send` (MockServerApp)


def route_path(scope: Scope) -> str:
    """The path below the mount point."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


class BodyTooLarge(Exception):
    pass


class Dropped(Exception):
    """An injected fault closed the connection: nothing is to be sent, but the call is journaled."""

    def __init__(self, operation: Operation, fault: Fault) -> None:
        super().__init__(operation.operation_id, fault.id)
        self.operation = operation
        self.fault = fault


async def read_body(request: "Incoming", receive: Receive, limit: int) -> bytes:
    """The whole body, refused as soon as it is known to pass `limit`: by its declared length before
    reading anything, else while it streams in."""
    declared = request.content_length
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    message = await receive()
    if not message.get("more_body", False) and message["type"] == "http.request":
        body = message.get("body", b"")  # the usual case: the whole body in one message
        if len(body) > limit:
            raise BodyTooLarge
        return body
    chunks, size = [], 0
    while True:
        if message["type"] != "http.request":
            break  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
        message = await receive()
    return b"".join(chunks)


def bearer_token(request: "Incoming") -> str | None:
    if request.token is not _UNREAD:  # read once a call (the tenant's, then the handler's)
        return request.token
    scheme, _, token = request.authorization.decode("latin-1").partition(" ")
    token = token.strip()
    request.token = token if scheme.lower() == "bearer" and token else None
    return request.token


async def drop_connection(scope: Scope) -> None:
    """Close the client's connection without an answer. uvicorn keeps the connection's transport on the
    object whose bound method is the server's `send`; under an in-process test client there is no
    connection, and the client sees an exception instead."""
    raw_send = scope[RAW_SEND]() if RAW_SEND in scope else None
    transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("fault: connection dropped")
    transport.abort()
    await asyncio.sleep(0.01)  # let the server notice the disconnect before the app returns


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] | None = None
    operation: Operation | None = None
    violations: tuple[str, ...] = ()
    fault: Fault | None = None
    undo: Undo | None = None  # the call's changes, while they may still be taken back
    encoded: bytes | None = None  # the body as sent, when already known (a kept answer)
    media_type: bytes = b"application/json"
    timeless: bool = False  # its handler never read the clock (mockserver.read_cache)


class Incoming:
    """What the edge needs of a request, read straight off the ASGI scope (cheaper than Starlette's
    Request, which builds every header and query structure whether it is used or not)."""

    __slots__ = ("method", "path", "query_string", "_query", "token", "authorization", "content_length")

    def __init__(self, scope: Scope, path: str) -> None:
        self.method: str = scope["method"]
        self.path = path
        self.query_string: bytes = scope.get("query_string", b"")
        self._query: dict[str, str] | None = None
        self.token: Any = _UNREAD  # the bearer token, once bearer_token has read it
        # The two headers every call reads, found in one pass (names in any case, as before this pass).
        self.authorization = self.content_length = b""
        for key, value in scope["headers"]:
            key = key.lower()
            if key == b"authorization":
                self.authorization = self.authorization or value
            elif key == b"content-length":
                self.content_length = self.content_length or value

    @property
    def query(self) -> dict[str, str]:
        """Query parameters; a repeated name keeps its last value (as Starlette's QueryParams.get)."""
        if self._query is None:
            self._query = dict(parse_qsl(self.query_string.decode("latin-1"), keep_blank_values=True))
        return self._query


async def send_json(send: Send, status: int, body: bytes, headers: dict[str, str] | None = None,
                    media_type: bytes = b"application/json") -> None:
    raw_headers = [(b"content-type", media_type), (b"content-length", b"%d" % len(body))]
    if headers:
        raw_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class ApiEndpoint:
    """An ASGI app serving one API under its prefix."""

    def __init__(self, api: Api, runtime: Runtime, openapi_document: bytes) -> None:
        self.api = api
        self.runtime = runtime
        self.contract: Contract = runtime.contracts[api.id]
        self.errors = api.errors
        self.journaled = isinstance(api, Provider)
        # The control plane is ours: a misspelt filter must not be silently ignored. A provider's API
        # ignores names it does not know, as the real servers do.
        self.refuses_unknown_query = not self.journaled
        self._openapi = openapi_document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.serve(scope, receive, send, route_path(scope))

    async def serve(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        request = Incoming(scope, path)
        if path == "/openapi.json" and request.method in ("GET", "HEAD"):
            await send_json(send, 200, self._openapi)
            return
        token = bearer_token(request)
        # The call's coverage recording is current while it is served (mockserver.coverage): the state
        # machines count what it attempts and what the clock moves meanwhile, for its tenant and the server.
        if not self.runtime.accepts(token):
            with self.runtime.coverage.recording(None):
                await self.serve_tenant(scope, receive, send, request, path, None)
            return
        # Held (pinned) until answered: evicting it meanwhile would let the next request load a second copy.
        tenant = self.runtime.tenants.acquire(token)
        try:
            with self.runtime.coverage.recording(token):
                await self.serve_tenant(scope, receive, send, request, path, tenant)
        finally:
            self.runtime.tenants.release(token)

    async def serve_tenant(self, scope: Scope, receive: Receive, send: Send, request: Incoming, path: str,
                           tenant: Tenant | None) -> None:
        # A call that may change some tenant makes every kept answer stale: a provider's reads are all
        # that cannot (mockserver.read_cache).
        reads = tenant.reads if tenant is not None and self.journaled and request.method in ("GET", "HEAD") else None
        try:
            raw = await read_body(request, receive, self.runtime.settings.max_body_bytes)
            kept = self.kept(reads, path, request, raw, tenant)
            answer = kept if kept is not None else await self.answer(scope, request, path, raw, tenant)
        except BodyTooLarge:
            raw = b""
            error = self.errors.too_large(self.runtime.settings.max_body_bytes)
            answer = self.checked(Answer(error.status, error.body))
        except Dropped as dropped:
            # Journaled with no status and no response ("dropped": true), so a test can see its client
            # retried; a drop needs a fault, and a fault a tenant.
            if tenant is not None:
                tenant.journal.record(iso(tenant.clock.now()), self.api.id, dropped.operation.operation_id,
                                      request.method, path, request.query if request.query_string else {}, raw,
                                      None, b"", (), dropped.fault.id)
            return
        except Exception:  # a bug in the mock: logged with its traceback, never shown to the client
            log.exception("%s: unexpected error answering %s %s", self.api.id, request.method, path)
            raw, error = b"", self.errors.fault(500, "The mock failed unexpectedly: see its log.")
            answer = self.checked(Answer(error.status, error.body))
        if reads is None:
            self.runtime.generation.moved()  # after the handler, with no await since it ran
        if tenant is not None:
            tenant.clock.pin()  # still pinned since run_handler, or pinned now: the journal's time is the handler's
        if isinstance(answer.body, Streamed):  # a large read (the control plane's state): never journaled
            if tenant is not None:
                tenant.clock.unpin()  # the stream awaits between entities: other calls run meanwhile
            if answer.undo is not None:
                answer.undo.close()
            self.count(answer)
            await stream(send, answer.status, answer.body)
            return
        undo = answer.undo
        try:
            if undo is not None and answer.status >= 400:
                undo.take_back()  # a refused or failed call leaves no change behind
            self.count(answer)
            if answer.encoded is not None:
                encoded, media_type = answer.encoded, answer.media_type
            elif isinstance(answer.body, Text):
                encoded, media_type = answer.body.body.encode(), answer.body.media_type.encode()
            else:
                encoded, media_type = orjson.dumps(answer.body), b"application/json"
            if reads is not None and answer.timeless and answer.status < 400 and answer.fault is None and not raw:
                reads.keep(self.api.id, request.method, path, request.query_string, KeptAnswer(
                    self.runtime.generation.value, answer.operation, answer.status, encoded, answer.headers,
                    media_type, answer.violations))
            if tenant is not None and self.journaled:
                tenant.journal.record(
                    iso(tenant.clock.now()), self.api.id, answer.operation.operation_id if answer.operation else None,
                    request.method, path, request.query if request.query_string else {}, raw, answer.status, encoded,
                    answer.violations, answer.fault.id if answer.fault else None)
            if tenant is not None and answer.status < 400 and request.method not in ("GET", "HEAD"):
                self.runtime.tenants.save(tenant)  # durable before the client hears it was done
        except Exception:  # journaling, rendering or saving failed: a JSON 500, and the call's changes undone
            log.exception("%s: unexpected error finishing %s %s", self.api.id, request.method, path)
            if undo is not None:
                undo.take_back()
            error = self.errors.fault(500, "The mock failed unexpectedly: see its log.")
            answer = self.checked(Answer(error.status, error.body))
            encoded, media_type = orjson.dumps(answer.body), b"application/json"
        finally:
            if undo is not None:
                undo.close()
            if tenant is not None:
                tenant.clock.unpin()
        if tenant is not None and answer.status < 400:
            # What this call (an advance, a create) made due leaves now (what a running clock makes due
            # meanwhile is the dispatcher's ticker's).
            self.runtime.callbacks.kick(tenant, tenant.backends.get(self.api.id) if self.journaled else None,
                                        read=request.method in ("GET", "HEAD"))
        await send_json(send, answer.status, encoded, answer.headers, media_type)

    def count(self, answer: Answer) -> None:
        """The answer is an outcome of its operation (a fault's too); the call's legal moves happened
        only if it succeeded."""
        recording = coverage.current()
        if recording is None:
            return
        if self.journaled and answer.operation is not None:
            recording.outcome(self.api.id, answer.operation.operation_id, answer.status)
        recording.close(answer.status < 400)

    def kept(self, reads: ReadCache | None, path: str, request: Incoming, raw: bytes,
             tenant: Tenant | None) -> Answer | None:
        """The answer kept for this read, if it still holds: counted and journaled as a fresh one is."""
        if reads is None or raw or tenant is None or tenant.faults or tenant.unreadable:
            return None
        kept = reads.get(self.runtime.generation.value, self.api.id, request.method, path, request.query_string)
        if kept is None:
            return None
        self.runtime.answered[(self.api.id, kept.operation.operation_id, kept.status)] += 1
        if kept.violations:  # kept only when not strict: each answer that breaks its contract is counted
            self.runtime.violations.record(self.api.id, kept.operation.operation_id, kept.status, list(kept.violations))
        return Answer(kept.status, None, kept.headers, kept.operation, kept.violations, encoded=kept.encoded,
                      media_type=kept.media_type)

    async def answer(self, scope: Scope, request: Incoming, path: str, raw: bytes, tenant: Tenant | None) -> Answer:
        match = self.contract.match(request.method, path)
        if not isinstance(match, Match):
            error = (self.errors.method_not_allowed(request.method, match) if match
                     else self.errors.not_found(f"No route for {request.method} {path}."))
            return self.checked(Answer(error.status, error.body, error.headers))
        if (tenant is not None and tenant.unreadable and match.operation.secured
                and (self.api.id, match.operation.operation_id) != ("control", "reset")):
            error = self.errors.fault(500, tenant.unreadable)  # until a reset replaces the stored state
            return self.checked(Answer(error.status, error.body))
        answer = Answer(0, None, operation=match.operation)
        try:
            call = self.prepare(request, match, raw, tenant)
            answer.fault = self.fault_for(call, match.operation)
            if answer.fault is not None:
                await self.apply(scope, answer.fault, match.operation)
            if answer.fault is not None and answer.fault.body is not None:  # a canned answer: no handler
                answer.status, answer.body = answer.fault.status, answer.fault.body
            else:
                self.run_handler(call, answer, writes=request.method not in ("GET", "HEAD"))
        except ApiError as error:
            answer.status, answer.body, answer.headers = error.status, error.body, error.headers
        return self.checked(answer)

    def run_handler(self, call: Call, answer: Answer, writes: bool) -> None:
        """The handler, its changes to the tenant's entities recorded (for a call that may write) so that
        serve_tenant can take them back if the answer fails. Opened only here, after the call's last
        await: no other call of the tenant runs until serve_tenant closes it."""
        if call.tenant is not None:
            call.tenant.clock.pin()  # one reading of the clock for the call (after its last await)
        if writes and call.tenant is not None:
            # A provider's handler changes only its own backend; the control plane's may change any.
            answer.undo = Undo((call.backend,) if call.backend is not None else call.tenant.backends.values())
        try:
            answer.status, answer.body = self.api.handlers[answer.operation.operation_id](call)
            answer.timeless = call.tenant is not None and not call.tenant.clock.consulted
        except ApiError:
            raise  # a refusal: serve_tenant takes back anything done before it
        except Exception:
            if answer.undo is not None:
                answer.undo.take_back()
                answer.undo.close()
            raise

    def prepare(self, request: Incoming, match: Match, raw: bytes, tenant: Tenant | None) -> Call:
        """Authenticate, then validate path, body and query, in the order a real server refuses them."""
        operation = match.operation
        token = bearer_token(request)
        if operation.secured and tenant is None:
            self.runtime.unauthenticated[self.api.id] += 1
            raise self.errors.unauthorized()
        params = self.path_params(operation, match.path_params)
        body = self.body(operation, raw)
        query = self.query(operation, request)
        backend = tenant.backends.get(self.api.id) if tenant and self.journaled else None
        return Call(self.runtime, tenant, backend, params, query, body, token)

    def fault_for(self, call: Call, operation: Operation) -> Fault | None:
        if call.tenant is None or not self.journaled or not call.tenant.faults:
            return None
        return call.tenant.faults.take(self.api.id, operation.operation_id,
                                       {"params": call.params, "query": call.query, "body": call.body})

    async def apply(self, scope: Scope, fault: Fault, operation: Operation) -> None:
        """Wait, drop, or answer the fault's status; a fault with only a delay lets the call through."""
        if fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault.drop:
            await drop_connection(scope)
            raise Dropped(operation, fault)
        if fault.status is not None and fault.body is None:
            raise self.errors.fault(fault.status, operation.descriptions.get(fault.status, ""))

    def path_params(self, operation: Operation, raw: dict[str, str]) -> dict[str, Any]:
        params = {}
        for param in operation.path_parameters:
            value = param.coerce(raw[param.name])  # ASGI has already percent-decoded the path
            if not param.schema.is_valid(value):
                # As a router would: a malformed id names no resource, and gets the API's own 404 for one.
                raise self.errors.missing(param.name, raw[param.name])
            params[param.name] = value
        return params

    def body(self, operation: Operation, raw: bytes) -> Any:
        if operation.body is None:
            return None
        if not raw.strip():
            if operation.body_required:
                raise self.errors.invalid([Problem("", "A JSON body is required.", required=True)])
            value: Any = {}
        else:
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise self.errors.invalid([Problem("", "The body is not valid JSON.")]) from None
            if may_be_too_deep(raw) and too_deep(value):
                raise self.errors.invalid([Problem("", f"The body nests deeper than {MAX_DEPTH} levels.")])
        if not operation.body.is_valid(value):
            raise self.errors.invalid(operation.body.problems(value))
        return integral_as_int(value) if may_hold_floats(raw) else value

    def query(self, operation: Operation, request: Incoming) -> dict[str, Any]:
        query, problems = {}, []
        if not operation.query_parameters and not (self.refuses_unknown_query and request.query_string):
            return query
        for param in operation.query_parameters:
            raw = request.query.get(param.name)
            if raw is None:
                if param.required:
                    problems.append(Problem(param.name, "is required", required=True))
                continue
            value = param.coerce(raw)
            if param.schema.is_valid(value):
                query[param.name] = value
            else:
                problems += param.schema.problems(value, prefix=param.name)
        if self.refuses_unknown_query and request.query_string:
            known = sorted(param.name for param in operation.query_parameters)
            takes = f"it takes {', '.join(known)}" if known else "it takes none"
            problems += [Problem(name, f"is not a query parameter of {operation.operation_id} ({takes})")
                         for name in sorted(set(request.query) - set(known))]
        if problems:
            raise self.errors.invalid(problems)
        return query

    def checked(self, answer: Answer) -> Answer:
        """The answer as it may leave: checked against the contract; in strict mode a violation is
        answered as a 500 that says what was wrong instead of the bad payload."""
        operation, status, body = answer.operation, answer.status, answer.body
        if operation is None or status in TRANSPORT_STATUSES:
            schema, documented = self.contract.error_schema, True
        else:
            self.runtime.answered[(self.api.id, operation.operation_id, status)] += 1
            documented = status in operation.responses
            schema = operation.responses.get(status)
        if documented and (schema is None or isinstance(body, Text | Streamed) or schema.is_valid(body)):
            return answer
        reasons = ([f"{p.field or 'body'}: {p.message}" for p in schema.problems(body)] if documented and schema
                   else [f"status {status} is not documented"])
        operation_id = operation.operation_id if operation else "(no operation)"
        self.runtime.violations.record(self.api.id, operation_id, status, reasons)
        answer.violations = tuple(reasons)
        if self.runtime.settings.strict:
            answer.status, answer.headers = 500, None
            answer.body = {"error": "contract_violation",
                           "message": f"The mock's {status} answer to {operation_id} broke its contract: this is "
                                      "a bug in mockserver, please report it.",
                           "api": self.api.id, "operationId": operation_id, "status": status, "reasons": reasons}
        return answer
