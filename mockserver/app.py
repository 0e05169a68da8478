"""`create_app(settings)`: one isolated app (its own tenants, contracts, counters) per call."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from mockserver import openapi
from mockserver.edge import RAW_SEND, ApiEndpoint, json_response
from mockserver.providers import discover
from mockserver.runtime import Runtime
from mockserver.settings import Settings


class MockServerApp(Starlette):
    """Starlette, keeping the server's own `send` in the scope: a fault that drops the connection needs
    it (every middleware wraps `send` in a function of its own)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND] = send
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> MockServerApp:
    settings = settings or Settings()
    runtime = Runtime(settings, discover())
    combined = openapi.encode(openapi.combined_document(runtime.apis, runtime.contracts))

    async def combined_openapi(request: Request) -> Response:
        return Response(combined, media_type="application/json")

    async def not_found(request: Request, exc: Exception) -> Response:
        return json_response(404, {"error": "not_found",
                                   "message": f"No route for {request.url.path}: providers live under "
                                              + ", ".join(api.prefix for api in runtime.providers.values())})

    routes = [Route("/openapi.json", combined_openapi, methods=["GET"])]
    for api in runtime.apis:
        document = openapi.encode(openapi.api_document(api, runtime.contracts[api.id]))
        routes.append(Mount(api.prefix, app=ApiEndpoint(api, runtime, document)))
    app = MockServerApp(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.runtime = runtime
    return app
