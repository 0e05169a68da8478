"""The HTTP edge shared by every API: match the request to a contract operation, authenticate, read and
validate the body and parameters, call the handler, check the answer against the contract, render it.
Handlers only ever see validated input; clients only ever see contract-checked output."""

import logging
from typing import Any
from urllib.parse import unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mockserver.api import Api, Call, Provider
from mockserver.contracts import Contract, Match, Operation
from mockserver.errors import ApiError, Problem
from mockserver.runtime import Runtime

log = logging.getLogger("mockserver")

# Refusals made before a request is read (its size) are checked against the API's general error schema.
TRANSPORT_STATUSES = frozenset({413})


def route_path(scope: Scope) -> str:
    """The path below the mount point."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers=headers, media_type="application/json")


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused as soon as it is known to pass `limit`: by its declared length before
    reading anything, else while it streams in."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


class ApiEndpoint:
    """An ASGI app serving one API under its prefix."""

    def __init__(self, api: Api, runtime: Runtime, openapi_document: bytes) -> None:
        self.api = api
        self.runtime = runtime
        self.contract: Contract = runtime.contracts[api.id]
        self.errors = api.errors
        self._openapi = openapi_document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = route_path(scope)
        if path == "/openapi.json" and request.method in ("GET", "HEAD"):
            response = Response(self._openapi, 200, media_type="application/json")
        else:
            status, body, headers = await self.answer(request, path)
            response = json_response(status, body, headers)
        await response(scope, receive, send)

    async def answer(self, request: Request, path: str) -> tuple[int, Any, dict[str, str] | None]:
        match = self.contract.match(request.method, path)
        if not isinstance(match, Match):
            error = (self.errors.method_not_allowed(request.method, match) if match
                     else self.errors.not_found(f"No route for {request.method} {path}."))
            return (*self.checked(None, error.status, error.body), error.headers)
        operation = match.operation
        headers = None
        try:
            call = await self.prepare(request, match)
            status, body = self.api.handlers[operation.operation_id](call)
        except ApiError as error:
            status, body, headers = error.status, error.body, error.headers
        return (*self.checked(operation, status, body), headers)

    async def prepare(self, request: Request, match: Match) -> Call:
        """Authenticate, then validate path, body and query, in the order a real server refuses them."""
        operation = match.operation
        token = bearer_token(request)
        if operation.secured and not self.runtime.accepts(token):
            raise self.errors.unauthorized()
        params = self.path_params(operation, match.path_params)
        try:
            raw = await read_body(request, self.runtime.settings.max_body_bytes)
        except BodyTooLarge:
            raise self.errors.too_large(self.runtime.settings.max_body_bytes) from None
        body = self.body(operation, raw)
        query = self.query(operation, request)
        tenant = self.runtime.tenants.get(token) if operation.secured and token else None
        backend = tenant.backends.get(self.api.id) if tenant and isinstance(self.api, Provider) else None
        return Call(self.runtime, tenant, backend, params, query, body, token)

    def path_params(self, operation: Operation, raw: dict[str, str]) -> dict[str, Any]:
        params = {}
        for param in operation.parameters:
            if param.location != "path":
                continue
            value = param.coerce(unquote(raw[param.name]))
            if not param.schema.is_valid(value):
                # As a router would: a malformed id names no resource.
                raise self.errors.not_found(f"No resource {param.name} = {raw[param.name]!r}.")
            params[param.name] = value
        return params

    def body(self, operation: Operation, raw: bytes) -> Any:
        if operation.body is None:
            return None
        if not raw.strip():
            value: Any = {}
        else:
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise self.errors.invalid([Problem("", "The body is not valid JSON.")]) from None
        if not operation.body.is_valid(value):
            raise self.errors.invalid(operation.body.problems(value))
        return value

    def query(self, operation: Operation, request: Request) -> dict[str, Any]:
        query, problems = {}, []
        for param in operation.parameters:
            if param.location != "query":
                continue
            raw = request.query_params.get(param.name)
            if raw is None:
                if param.required:
                    problems.append(Problem(param.name, "is required", required=True))
                continue
            value = param.coerce(raw)
            if param.schema.is_valid(value):
                query[param.name] = value
            else:
                problems += param.schema.problems(value, prefix=param.name)
        if problems:
            raise self.errors.invalid(problems)
        return query

    def checked(self, operation: Operation | None, status: int, body: Any) -> tuple[int, Any]:
        """The answer as it may leave: checked against the contract; in strict mode a violation is
        answered as a 500 that says what was wrong instead of the bad payload."""
        if operation is None or status in TRANSPORT_STATUSES:
            schema, documented = self.contract.error_schema, True
        else:
            documented = status in operation.responses
            schema = operation.responses.get(status)
        if operation is not None:
            self.runtime.answered[(self.api.id, operation.operation_id, status)] += 1
        if documented and (schema is None or schema.is_valid(body)):
            return status, body
        reasons = ([f"{p.field or 'body'}: {p.message}" for p in schema.problems(body)] if documented and schema
                   else [f"status {status} is not documented"])
        operation_id = operation.operation_id if operation else "(no operation)"
        self.runtime.violations.record(self.api.id, operation_id, status, reasons)
        if not self.runtime.settings.strict:
            return status, body
        return 500, {"error": "contract_violation",
                     "message": f"The mock's {status} answer to {operation_id} broke its contract: this is a bug "
                                "in mockserver, please report it.",
                     "api": self.api.id, "operationId": operation_id, "status": status, "reasons": reasons}
