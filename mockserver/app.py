"""`create_app(settings)`: one isolated app (its own tenants, contracts, counters) per call."""

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mockserver import contracts, openapi, ui
from mockserver.control import control_api
from mockserver.edge import RAW_SEND, ApiEndpoint
from mockserver.providers import discover
from mockserver.proxy.forward import Proxy, UpstreamEndpoint
from mockserver.runtime import Runtime
from mockserver.settings import Settings


class MockServerApp(Starlette):
    """Starlette, with each API's prefix dispatched straight to its endpoint: the edge answers every
    request under a prefix itself (errors included), so Starlette's routing and middleware would only add
    work there. Starlette serves the rest: /openapi.json, and a JSON 404 for anything unknown."""

    def __init__(self, endpoints: list[tuple[str, ApiEndpoint | UpstreamEndpoint]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # By a path's first segment, each list longest prefix first (/commcom/api before /commcom).
        self.endpoints: dict[str, list[tuple[str, ApiEndpoint | UpstreamEndpoint]]] = {}
        for prefix, endpoint in sorted(endpoints, key=lambda item: -len(item[0])):
            self.endpoints.setdefault(_first_segment(prefix), []).append((prefix, endpoint))

    def endpoint_for(self, path: str) -> tuple[ApiEndpoint | UpstreamEndpoint, str] | None:
        for prefix, endpoint in self.endpoints.get(_first_segment(path), ()):
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                if ui.serves(path):  # the live state page's files: under /__mock, but no control-plane call
                    return None
                return endpoint, path[len(prefix):] or "/"  # /__mock is the control plane's index
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Weakly: uvicorn's `send` is a method of the object that holds this scope, and a strong reference
        # would make every request a reference cycle for the garbage collector (long pauses, p99).
        scope[RAW_SEND] = weakref.WeakMethod(send) if hasattr(send, "__self__") else lambda: send
        found = self.endpoint_for(scope["path"]) if scope["type"] == "http" else None
        if found is not None:
            endpoint, below = found
            await endpoint.serve(scope, receive, send, below)
        else:
            await super().__call__(scope, receive, send)


def _first_segment(path: str) -> str:
    end = path.find("/", 1)
    return path[1:end] if end > 0 else path[1:]


def create_app(settings: Settings | None = None) -> MockServerApp:
    settings = settings or Settings()
    control_document = contracts.read_document(settings.contracts_dir, "control")
    runtime = Runtime(settings, discover(), partial(control_api, control_document))
    combined = openapi.encode(openapi.combined_document(runtime.apis, runtime.contracts))

    async def combined_openapi(request: Request) -> Response:
        return Response(combined, media_type="application/json")

    async def not_found(request: Request, exc: Exception) -> Response:
        prefixes = ", ".join(api.prefix for api in runtime.providers.values())
        return Response(orjson.dumps({"error": "not_found",
                                      "message": f"No route for {request.url.path}: providers live under {prefixes}"}),
                        404, media_type="application/json")

    # A provider with an upstream is served by it (docs/proxy.md); every other API by the mock's edge.
    proxy = Proxy(runtime.providers, runtime.contracts, settings, runtime.drift)
    endpoints: list[tuple[str, ApiEndpoint | UpstreamEndpoint]] = [
        (api.prefix, proxy.endpoints.get(api.id)
         or ApiEndpoint(api, runtime, openapi.encode(openapi.api_document(api, runtime.contracts[api.id]))))
        for api in runtime.apis]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await proxy.aclose()  # without a lifespan (lifespan="off"), the client simply ends with its loop
        if runtime.state_file is not None:
            runtime.state_file.close()  # its write-ahead log folded in: the file alone holds every tenant

    # GET / sends a browser to the live state page (mockserver/ui); GET /__mock is the JSON index.
    app = MockServerApp(endpoints, routes=[Route("/openapi.json", combined_openapi, methods=["GET"]), *ui.routes()],
                        exception_handlers={404: not_found, 405: not_found}, lifespan=lifespan)
    app.state.runtime = runtime
    return app
