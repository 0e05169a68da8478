"""A small typed client for the control plane (/__mock), standard library only, so it works wherever
mockserver is installed. The pytest plugin hands one to every test; it is just as usable on its own:

    mock = MockClient("http://127.0.0.1:8080", token="my-tenant")
    mock.reset()
    mock.clock.freeze()
    mock.fault("loop-comms", "cancelCampaign", status=500)
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from typing import Any



@cache
def _prefixes() -> dict[str, str]:
    # Each provider's own declaration, not a copy of it.
    from mockserver.providers import discover

    return {provider.id: provider.prefix for provider in discover()}


class MockError(Exception):
    """The control plane refused a call (`body` is its JSON answer), or answered something that is not
    JSON (`body` is the text, cut short)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def _decoded(status: int, raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise MockError(status, f"not JSON: {raw[:2000].decode('utf-8', 'replace')}") from None


@dataclass
class Clock:
    client: "MockClient"

    def now(self) -> str:
        return self.client.call("GET", "/clock")["now"]

    def freeze(self, frozen: bool = True) -> dict[str, Any]:
        return self.client.call("POST", "/clock", {"freeze": frozen})

    def unfreeze(self) -> dict[str, Any]:
        return self.freeze(False)

    def advance(self, seconds: float) -> dict[str, Any]:
        return self.client.call("POST", "/clock", {"advance": seconds})

    def set(self, when: datetime | str) -> dict[str, Any]:
        """`when` must say its timezone (an aware datetime, or text ending in Z or an offset): a naive time
        could be any of 24 instants, and the server will not guess."""
        if isinstance(when, datetime) and when.utcoffset() is None:
            raise ValueError(f"clock.set({when!r}): the datetime has no timezone; give one, e.g. "
                             "datetime(..., tzinfo=timezone.utc)")
        text = when.isoformat() if isinstance(when, datetime) else when
        return self.client.call("POST", "/clock", {"now": text})


class MockClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.clock = Clock(self)

    @property
    def headers(self) -> dict[str, str]:
        """The headers a provider call of this tenant needs."""
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, provider: str) -> str:
        """The base URL to give a provider's SDK in place of the real one."""
        return self.base_url + _prefixes()[provider]

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}/__mock{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={**self.headers, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            raise MockError(error.code, _decoded(error.code, error.read())) from None
        return _decoded(status, raw)

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")

    def reset(self, fixtures: bool = True) -> dict[str, Any]:
        return self.call("POST", "/reset", query={"fixtures": str(fixtures).lower()})

    def state(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        return self.call("GET", "/state")

    def put(self, provider: str, collection: str, entity_id: str | int, fields: dict[str, Any]) -> dict[str, Any]:
        return self.call("PUT", f"/{provider}/{collection}/{entity_id}", fields)

    def get(self, provider: str, collection: str, entity_id: str | int) -> dict[str, Any]:
        return self.call("GET", f"/{provider}/{collection}/{entity_id}")

    def requests(self, provider: str | None = None, operation_id: str | None = None, method: str | None = None,
                 status: int | None = None) -> list[dict[str, Any]]:
        query = {"provider": provider, "operationId": operation_id, "method": method, "status": status}
        return self.call("GET", "/requests", query=query)["requests"]

    def clear_requests(self) -> int:
        return self.call("DELETE", "/requests")["cleared"]

    def fault(self, provider: str, operation_id: str, status: int | None = None, *, delay_ms: int = 0,
              drop: bool = False, times: int | None = 1, match: dict[str, Any] | None = None,
              body: Any = None) -> dict[str, Any]:
        """The next `times` matching calls answer `status` (with the provider's documented body, or `body`:
        a canned answer, any status the operation documents, checked against its contract), or wait
        `delay_ms`, or lose their connection (`drop`)."""
        request: dict[str, Any] = {"provider": provider, "operationId": operation_id, "delay_ms": delay_ms,
                                   "drop": drop, "times": times, "match": match or {}}
        if status is not None:
            request["status"] = status
        if body is not None:
            request["body"] = body
        return self.call("POST", "/faults", request)

    def faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/faults")["faults"]

    def clear_faults(self) -> int:
        return self.call("DELETE", "/faults")["removed"]

    def settings(self, provider: str, **values: Any) -> dict[str, Any]:
        """This tenant's settings of a provider (e.g. `settings("bsg", rcs_callback_url=url)`): with values,
        those change first (None puts one back to the server's value); the answer is all of them."""
        if values:
            return self.call("PUT", f"/{provider}/settings", values)
        return self.call("GET", f"/{provider}/settings")

    def callbacks(self) -> list[dict[str, Any]]:
        """Every callback delivery attempt of this tenant, oldest first (url, body, attempt, at, status, error)."""
        return self.call("GET", "/callbacks")["callbacks"]

    def callback_fault(self, *, delay_seconds: float = 0, duplicates: int = 0, last: bool = False,
                       times: int | None = 1, match: dict[str, Any] | None = None) -> dict[str, Any]:
        """The next `times` callbacks whose body contains `match` go late (held back `delay_seconds` of tenant
        clock), `duplicates` extra times, or `last` of those due with them (out of order)."""
        return self.call("POST", "/callbacks/faults", {"delay_seconds": delay_seconds, "duplicates": duplicates,
                                                        "last": last, "times": times, "match": match or {}})

    def callback_faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/callbacks/faults")["faults"]

    def clear_callback_faults(self) -> int:
        return self.call("DELETE", "/callbacks/faults")["removed"]

    def coverage(self, scope: str = "tenant") -> dict[str, Any]:
        """Which documented outcomes and transitions were exercised: by this tenant, or (scope="server")
        by every tenant since the server started."""
        return self.call("GET", "/coverage", query={"scope": scope})
