"""Hostile input never hurts: raw, malformed requests to every route (broken JSON, wrong content types,
giant or deeply nested bodies, unicode and control characters in ids and headers, huge numbers,
duplicate keys) never get a 5xx, never a traceback, and a refused request changes no state."""

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import make_app, examples

APP = make_app()
TOKEN = "hostile"
ROUTES = sorted({(op.method, api.prefix + op.path)
                 for api in APP.state.runtime.apis
                 for op in APP.state.runtime.contracts[api.id].operations})


def _fill(template: str, value: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", value, template)


segment = st.one_of(
    st.sampled_from(["cmp_draft", "1", "0", "-1", "3c90c3cc-0d44-4b50-8888-8dd25736052a", "%00", "%2F", "..",
                     "%E2%80%AE", "%FF%FE", "9" * 40, "%0d%0aX-Injected:%201"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20).map(
        lambda text: "".join(c if c.isalnum() else f"%{ord(c) & 0xFF:02X}" for c in text)),
)

nested = st.one_of(st.integers(min_value=1, max_value=5000), st.integers(min_value=60, max_value=300)).flatmap(
    lambda depth: st.sampled_from([b"[" * depth + b"]" * depth,
                                   b'{"recipients": [], "variables": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"]))
bodies = st.one_of(
    st.binary(max_size=300),
    nested,
    st.just(b'{"recipients": [], "recipients": 5, "name": "a", "name": null}'),
    st.just(b'{"scheduled_at": 1e999999, "validity": 123456789012345678901234567890}'),
    st.just(b'{"a": "\\ud800"}'),
    st.just(b'{"name": "\\u0000\\u202e\\ufeff"}'),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                 max_leaves=20).map(lambda value: json.dumps(value).encode()),
)
content_types = st.sampled_from([b"application/json", b"text/plain", b"application/x-www-form-urlencoded",
                                 b"multipart/form-data; boundary=x", b"application/json; charset=utf-16", b""])
header_values = st.binary(min_size=0, max_size=40).filter(lambda b: b"\r" not in b and b"\n" not in b)


async def _call(method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    raw_path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": raw_path, "raw_path": raw_path.encode("latin-1", "replace"),
             "query_string": query.encode(), "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await APP(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _state() -> bytes:
    status, body = asyncio.run(_call("GET", "/__mock/state", b"", [(b"authorization", f"Bearer {TOKEN}".encode())]))
    assert status == 200
    return body


@settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(ROUTES), segment=segment, body=bodies, content_type=content_types,
       auth=st.one_of(st.just(f"Bearer {TOKEN}".encode()), header_values), extra=header_values,
       method=st.one_of(st.none(), st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])),
       query=st.sampled_from(["", "?status=%FF", "?brand_id=&status=nope", "?page[limit]=-1&page[offset]=1e9",
                              "?fixtures=maybe", "?a=1&a=2"]))
def test_hostile_requests_never_hurt(route, segment, body, content_type, auth, extra, method, query):
    template_method, template = route
    path = _fill(template, segment) + query
    headers = [(b"authorization", auth), (b"content-type", content_type), (b"x-hostile", extra),
               (b"content-length", str(len(body)).encode())]
    before = _state()
    status, answer = asyncio.run(_call(method or template_method, path, body, headers))
    assert status < 500, (status, answer[:300])
    assert b"Traceback" not in answer and b'File "' not in answer
    json.loads(answer)  # always a JSON document in the API's own shape
    if status >= 400:
        assert _state() == before


def test_a_deeply_nested_body_is_refused_and_never_breaks_the_journal():
    depth = 300  # parses (orjson reads 1,024 levels) but could not be written back (254)
    body = b'{"brand_id": "b", "name": "n", "subject": "s", "template_key": "k", "variables": ' + \
        b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    headers = [(b"authorization", f"Bearer {TOKEN}".encode()), (b"content-type", b"application/json")]
    status, answer = asyncio.run(_call("POST", "/loop-comms/v1/admin/campaigns", body, headers))
    assert status == 400 and b"nests deeper" in answer
    status, answer = asyncio.run(_call("GET", "/__mock/requests", b"", headers))
    assert status == 200 and json.loads(answer)["requests"]


def test_a_body_over_1_mib_is_refused_before_it_is_read_whole():
    chunks = [b"x" * 65536] * 32  # 2 MiB, streamed without a declared length
    received = []

    async def call() -> int:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": "/loop-comms/v1/admin/campaigns", "raw_path": b"", "query_string": b"",
                 "root_path": "", "headers": [(b"authorization", f"Bearer {TOKEN}".encode())],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        statuses = []

        async def receive():
            chunk = chunks.pop(0)
            received.append(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await APP(scope, receive, send)
        return statuses[0]

    assert asyncio.run(call()) == 413
    assert sum(map(len, received)) <= 1024 * 1024 + 65536  # stopped reading right after the limit
