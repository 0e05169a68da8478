"""The edge reads the two headers it needs (Authorization, Content-Length) in one pass over the ASGI
scope; a server that hands names over in another case than lower must still be understood."""

import asyncio

from tests.support import make_app


def answer_to(app, headers):
    sent = {}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http", "method": "GET",
             "path": "/__mock/clock", "raw_path": b"/__mock/clock", "query_string": b"", "root_path": "",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent["status"]


def test_header_names_are_read_in_any_case():
    app = make_app()
    assert answer_to(app, [(b"authorization", b"Bearer lower")]) == 200
    assert answer_to(app, [(b"Authorization", b"Bearer Capitalised")]) == 200
    assert answer_to(app, [(b"AUTHORIZATION", b"Bearer upper"), (b"Content-Length", b"0")]) == 200
    assert answer_to(app, []) == 401
