"""Forwarding: a call under a proxied provider's prefix goes to its upstream — same method, path below the
prefix, query, headers (credentials included; Host is the upstream's) and body, streamed — and the
upstream's status, headers and body come back unchanged but for hop-by-hop headers. The answer is then
judged for drift and, if it is a 2xx that reveals entities, recorded; the client's answer ends only after
both, so what a client has seen is already in the report and the recording. An upstream that cannot be
reached, or does not answer within the timeout, is answered by the mock: a JSON 502 or 504."""

import asyncio
import logging
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import orjson
from starlette.types import Receive, Scope, Send

from mockserver.api import Provider
from mockserver.contracts import Contract
from mockserver.edge import Dropped, drop_connection, send_json
from mockserver.proxy.drift import DriftReport, judge
from mockserver.proxy.recording import Recorder
from mockserver.proxy.redact import header_secrets, redact_http_client_logs, scrubbed
from mockserver.settings import Settings

log = logging.getLogger("mockserver.proxy")

# RFC 9110 7.6.1: meaningful for one connection only; never passed on. Host is the upstream's own.
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
                        b"trailer", b"trailers", b"transfer-encoding", b"upgrade", b"proxy-connection"})
# httpx fills these in itself when a request lacks them; the upstream must see what the client sent.
_SET_BY_TRANSPORT = frozenset({"host", "content-length", "transfer-encoding"})
KEEP_LIMIT = 32 * 1024 * 1024  # bytes of an answer kept to judge it; a larger one is passed on, not judged
TOO_LARGE = bytearray()  # what _relay keeps of an answer past KEEP_LIMIT (compared by identity)


def _passed_on(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    named = {token.strip().lower() for name, value in headers if name.lower() == b"connection"
             for token in value.split(b",")}
    return [(name, value) for name, value in headers
            if name.lower() not in HOP_BY_HOP and name.lower() not in named and name.lower() != b"host"]


def shown_url(url: str) -> str:
    """The upstream's URL as the mock may show it: without any user:password@."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))


class Upstreams:
    """The HTTP client every proxied provider shares (one connection pool). It belongs to an event loop, so
    it is made on first use in the running loop, and made anew if the app is later served by another
    (an in-process test client runs each request in a loop of its own)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout), follow_redirects=False,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = self._loop = None


async def _request_body(receive: Receive) -> Any:
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client went away
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


def _decoded(raw: bytes, encoding: str | None) -> bytes | None:
    """The body as its sender meant it (gzip etc. undone); None if that cannot be done."""
    if not encoding or encoding.lower() == "identity":
        return raw
    try:
        return httpx.Response(200, headers={"content-encoding": encoding}, content=raw).content
    except httpx.DecodingError:
        return None


class UpstreamEndpoint:
    """Serves one provider's prefix from its upstream (in place of the mock's ApiEndpoint)."""

    def __init__(self, provider: Provider, contract: Contract, upstream: str, upstreams: Upstreams,
                 report: DriftReport, recorder: Recorder | None) -> None:
        self.provider, self.contract = provider, contract
        self.upstream, self.shown = upstream.rstrip("/"), shown_url(upstream)
        self.upstreams, self.report, self.recorder = upstreams, report, recorder

    def _target(self, scope: Scope, below: str) -> str:
        raw_path: bytes | None = scope.get("raw_path")
        prefix = self.provider.prefix.encode()
        # The path as the client encoded it, when that can be told apart from the prefix; else re-encoded.
        path = (raw_path[len(prefix):].decode("latin-1") if raw_path and raw_path.startswith(prefix)
                else quote(below, safe="/:@!$&'()*+,;=-._~"))
        query = scope.get("query_string", b"").decode("latin-1")
        return f"{self.upstream}{path}" + (f"?{query}" if query else "")

    async def serve(self, scope: Scope, receive: Receive, send: Send, below: str) -> None:
        method: str = scope["method"]
        headers = _passed_on(scope["headers"])
        secrets = header_secrets(scope["headers"])
        has_body = any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"])
        client = self.upstreams.client()
        request = client.build_request(method, self._target(scope, below), headers=headers,
                                       content=_request_body(receive) if has_body else None)
        sent = {name.decode("latin-1").lower() for name, _ in headers}
        for name in list(request.headers):
            if name.lower() not in sent and name.lower() not in _SET_BY_TRANSPORT:
                del request.headers[name]
        try:
            async with asyncio.timeout(self.upstreams.timeout):  # the whole wait for the answer's head
                response = await client.send(request, stream=True)
        except (TimeoutError, httpx.TimeoutException) as error:
            await self._failed(send, method, below, 504, "upstream_timeout",
                               f"did not answer within {self.upstreams.timeout:g} s ({type(error).__name__})", secrets)
            return
        except httpx.HTTPError as error:
            await self._failed(send, method, below, 502, "upstream_unreachable",
                               f"could not be reached: {type(error).__name__}: {error}", secrets)
            return
        try:
            kept = await self._relay(scope, response, send, method, below, secrets)
        finally:
            await response.aclose()
        if kept is None:
            return
        try:
            await self._learn(method, below, response, kept, secrets)
        except Exception:  # the answer has gone through already: a fault in judging it must not cut it off
            log.exception("proxy: judging %s %s %s failed", self.provider.id, method, below)
        finally:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _relay(self, scope: Scope, response: httpx.Response, send: Send, method: str, below: str,
                     secrets: set[str]) -> bytearray | None:
        """Pass the answer on as it streams in; the body kept to judge (None: nothing more to send)."""
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": _passed_on(response.headers.raw)})
        kept: bytearray | None = bytearray()
        try:
            async for chunk in response.aiter_raw():
                if kept is not None:
                    if len(kept) + len(chunk) <= KEEP_LIMIT:
                        kept += chunk
                    else:
                        kept = None
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError as error:
            # The head is gone already: all the mock can do is cut the connection, so the client sees a
            # broken answer rather than a short one it might take for whole.
            self.report.fail(self.provider.id, self.shown, method, below, response.status_code,
                             scrubbed(f"the answer broke off: {type(error).__name__}: {error}", secrets))
            try:
                await drop_connection(scope)
            except (Dropped, ConnectionAbortedError):
                pass
            return None
        return kept if kept is not None else TOO_LARGE

    async def _learn(self, method: str, below: str, response: httpx.Response, kept: bytearray,
                     secrets: set[str]) -> None:
        """Judge the answer for drift; record what a 2xx reveals."""
        body = None if kept is TOO_LARGE else _decoded(bytes(kept), response.headers.get("content-encoding"))
        if body is None:
            self.report.unchecked += 1
            return
        status = response.status_code
        operation_id, reasons = judge(self.contract, method, below, status, response.headers.get("content-type"),
                                      body, secrets)
        self.report.add(self.provider.id, operation_id, method, below, status, reasons)
        if self.recorder is not None and 200 <= status < 300 and self.recorder.wants(self.provider.id, operation_id):
            try:
                await self.recorder.record(self.provider.id, operation_id, orjson.loads(body))  # type: ignore[arg-type]
            except orjson.JSONDecodeError:
                pass  # not JSON: already drift, nothing to record
            except Exception:  # a recording problem must not cost the client its answer
                log.exception("recording: %s %s failed", self.provider.id, operation_id)

    async def _failed(self, send: Send, method: str, path: str, status: int, error: str, what: str,
                      secrets: set[str]) -> None:
        what = scrubbed(what, secrets)
        self.report.fail(self.provider.id, self.shown, method, path, status, what)
        body = {"error": error, "message": f"mockserver: the {self.provider.id} upstream {self.shown} {what}",
                "provider": self.provider.id, "upstream": self.shown, "method": method, "path": path}
        await send_json(send, status, orjson.dumps(body))


class Proxy:
    """The proxied providers of one app: their endpoints, sharing one client, one report, one recorder."""

    def __init__(self, providers: dict[str, Provider], contracts: dict[str, Contract], settings: Settings,
                 report: DriftReport) -> None:
        self.upstreams = Upstreams(settings.upstream_timeout)
        if settings.upstreams:
            redact_http_client_logs()
        recorder = Recorder(settings.record_dir, providers, contracts, settings) if settings.record_dir else None
        self.endpoints = {pid: UpstreamEndpoint(providers[pid], contracts[pid], url, self.upstreams, report, recorder)
                          for pid, url in settings.upstreams}

    async def aclose(self) -> None:
        await self.upstreams.aclose()
