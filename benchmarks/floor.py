"""The floor of our stack: a bare Starlette app on uvicorn, one route, a fixed JSON answer. Nothing the
mockserver does (contracts, tenants, state) happens here, so its req/s is the most the stack can give on
this machine. Run by run.py as `python floor.py --port N --method POST --route /a/{id}/b --payload FILE`,
with the same uvicorn settings as `mockserver` (uvloop, httptools; an access log line per request when
mockserver writes one)."""

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(method: str, route: str, payload: bytes) -> Starlette:
    async def answer(request: Request) -> Response:
        return Response(payload, media_type="application/json")

    return Starlette(routes=[Route(route, answer, methods=[method])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--route", required=True, help="a Starlette path, e.g. /x/campaigns/{id}/cancel")
    parser.add_argument("--payload", type=Path, required=True, help="file holding the JSON to answer")
    parser.add_argument("--access-log", choices=["on", "off"], default="on",
                        help="as mockserver does (run.py looks at its log): a line per request costs the floor too")
    args = parser.parse_args()
    app = build(args.method, args.route, args.payload.read_bytes())
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info", timeout_graceful_shutdown=5,
                access_log=args.access_log == "on")


if __name__ == "__main__":
    main()
