"""Upstreams for the proxy tests, all on 127.0.0.1: a real mockserver (it keeps its contracts: a conforming
provider) and a small Starlette app that answers as a provider that drifted (wrong fields, undocumented
statuses, paths nobody documented, a token echoed back), and one that never answers in time."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mockserver import Settings, create_app

# A BSG campaign with the fields of seed 003 (and the SDK's currency): keeps the contract.
CAMPAIGN = {"id": 7, "name": "RCS api campaign / 2026-01-05 09:00:00", "sender": "acme_agent", "status": "done",
            "message_type": "rcs", "start_at": "2026-01-05 09:00:00", "real_start_at": "2026-01-05 09:00:00",
            "finished_at": "2026-01-05 10:00:00", "created_at": "2026-01-05 09:00:00",
            "statistics": {"delivered": 1, "sent": 2}, "calculated_price": 0.35,
            "alternative_channels": {"sms": {"statistics": {"delivered": 0, "sent": 0}}}, "currency": "EUR"}
COOKIE_SECRET = "upstream-session-cookie-4f1e2d"
ENTITY_SECRET = "entity-api-key-31c0aa"
RELEASE = threading.Event()  # set at teardown: the slow route stops waiting


def drifted_app() -> Starlette:
    """Answers under BSG's documented paths (and one undocumented), some keeping the contract, some not.
    Every request it gets is kept in `app.state.seen` for the tests to look at."""

    async def seen(request: Request) -> None:
        request.app.state.seen.append({"method": request.method, "path": request.url.path,
                                       "query": request.url.query, "headers": dict(request.headers),
                                       "body": await request.body()})

    def answer(body: object, status: int = 200) -> JSONResponse:
        return JSONResponse(body, status, headers={"X-Upstream": "drifted"})

    async def login(request: Request) -> JSONResponse:
        await seen(request)
        key = (await request.json()).get("api_key")
        response = answer({"bearer": [key]})  # the key echoed back, as the wrong type: drift
        response.set_cookie("session", COOKIE_SECRET)
        return response

    async def create(request: Request) -> JSONResponse:
        await seen(request)
        return answer({"data": CAMPAIGN})

    async def listing(request: Request) -> JSONResponse:
        await seen(request)
        return answer({"data": [CAMPAIGN], "meta": {"page": {"total": 1, "limit": 50, "offset": 0}}})

    async def campaign(request: Request) -> JSONResponse:
        await seen(request)
        ident = request.path_params["id"]
        if ident == "99":  # slow: answers only after the test is over
            for _ in range(600):
                if RELEASE.is_set():
                    break
                await asyncio.sleep(0.05)
            return answer({"data": CAMPAIGN})
        if ident == "8":
            return answer({"data": {**CAMPAIGN, "id": 8, "status": "archived"}})
        if ident == "9":  # the caller's token, inside a body of the wrong shape
            token = request.headers.get("authorization", "").split(" ")[-1]
            return answer({"data": [{"sender": token}]})
        if ident == "5":  # an extra field holding a credential (the contract allows extra fields)
            return answer({"data": {**CAMPAIGN, "id": 5, "webhook": {"api_key": ENTITY_SECRET}}})
        if ident == "6":  # keeps the schema, but the mock could not hold it (more delivered than sent)
            return answer({"data": {**CAMPAIGN, "id": 6, "statistics": {"delivered": 5, "sent": 1}}})
        return answer({"data": {**CAMPAIGN, "id": int(ident)}})

    async def stop(request: Request) -> JSONResponse:
        await seen(request)
        return answer({"message": "I'm a teapot"}, 418)

    async def undocumented(request: Request) -> JSONResponse:
        await seen(request)
        return answer({"ok": True})

    app = Starlette(routes=[
        Route("/api/auth/login", login, methods=["POST"]),
        Route("/api/campaigns/rcs/send-groups", create, methods=["POST"]),
        Route("/api/campaigns", listing, methods=["GET"]),
        Route("/api/campaigns/{id}", campaign, methods=["GET"]),
        Route("/api/campaigns/{id}/stop", stop, methods=["PUT"]),
        Route("/api/reports/summary", undocumented, methods=["GET"]),
    ])
    app.state.seen = []
    return app


class Served:
    """Any ASGI app on a free 127.0.0.1 port, in a background thread (as the plugin serves mockserver)."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "Served":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "upstream did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        RELEASE.set()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def conforming() -> Iterator[Served]:
    """A plain mockserver: every answer keeps its contract."""
    with Served(create_app(Settings(strict=True))) as served:
        yield served


@pytest.fixture(scope="session")
def drifted() -> Iterator[Served]:
    with Served(drifted_app()) as served:
        yield served


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
