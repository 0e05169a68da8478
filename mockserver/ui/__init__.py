"""The live state page at /__mock/ui: plain HTML, CSS and JavaScript shipped in this folder, served as they
are (no build step, nothing fetched from elsewhere). The page reads only the control plane's public JSON
with the token the user gives it, so everything it shows is also scriptable.

Served before the control plane's edge (the files need no token) with a Content-Security-Policy that
allows scripts, styles and requests from this server only and no inline script: the page builds its DOM
with textContent, and the policy is a second wall should that ever slip."""

from importlib import resources

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

PATH = "/__mock/ui"
_FILES = {"": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8")}
_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # ?token=T must not leave in a Referer header
    "Cache-Control": "no-cache",
}


def serves(path: str) -> bool:
    """Whether the page (not the control plane's edge) answers this path."""
    return path == PATH or path.startswith(PATH + "/")


def routes() -> list[Route]:
    """The page's files, read once, and `GET /` sending a browser to the page (its query kept: /?token=T)."""
    folder = resources.files(__name__)
    routes = []
    for suffix, (name, media_type) in _FILES.items():
        body = folder.joinpath(name).read_bytes()

        async def serve(request: Request, body: bytes = body, media_type: str = media_type) -> Response:
            return Response(body, media_type=media_type, headers=_HEADERS)

        routes.append(Route(PATH + suffix, serve, methods=["GET"]))

    async def home(request: Request) -> Response:
        query = request.url.query
        return RedirectResponse(PATH + (f"?{query}" if query else ""), status_code=302)

    routes.append(Route("/", home, methods=["GET"]))
    return routes
