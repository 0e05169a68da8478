"""The request journal: every provider call of a tenant, newest last, in a ring so a long run cannot
exhaust memory. Bodies are kept as the bytes that crossed the wire (cut at `BODY_LIMIT`) and decoded
only when someone reads the journal."""

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.fixtures import exact
from mockserver.jsonlimits import too_deep

BODY_LIMIT = 16 * 1024  # bytes kept of each request and response body


def _decoded(raw: bytes, size: int) -> Any:
    if size > len(raw):
        return {"truncated": True, "bytes": size, "head": raw.decode("utf-8", "replace")}
    if not raw:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", "replace")
    # A body the edge refused for its depth is kept as text: it could not be written back as JSON.
    return raw.decode("utf-8", "replace") if too_deep(value) else value


@dataclass(slots=True)
class Entry:
    seq: int
    time: str  # the tenant clock's time
    provider: str
    operation_id: str | None  # None when no operation matched (unknown path, wrong method)
    method: str
    path: str
    query: dict[str, str]
    request: bytes
    request_size: int
    status: int | None  # None: a fault dropped the connection, nothing was answered
    response: bytes
    response_size: int
    contract: tuple[str, ...]  # reasons the answer broke its contract; empty when it kept it
    fault: str | None  # the id of the fault that answered, if one did

    def render(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "provider": self.provider, "operationId": self.operation_id,
                "method": self.method, "path": self.path, "query": self.query,
                "body": _decoded(self.request, self.request_size), "status": self.status,
                "dropped": self.status is None,
                "response": _decoded(self.response, self.response_size),
                "contract": {"valid": not self.contract, "reasons": list(self.contract)}, "fault": self.fault}


class Journal:
    def __init__(self, size: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=size)
        self._seq = 0  # a plain int, not itertools.count: the journal is stored with --state-file

    def record(self, time: str, provider: str, operation_id: str | None, method: str, path: str,
               query: dict[str, str], request: bytes, status: int | None, response: bytes, contract: tuple[str, ...],
               fault: str | None) -> None:
        self._seq += 1
        # Exact copies: the bodies are kept by the thousand (see fixtures.exact).
        self._entries.append(Entry(self._seq, time, provider, operation_id, method, path, query,
                                   exact(request[:BODY_LIMIT]), len(request), status,
                                   exact(response[:BODY_LIMIT]), len(response), contract, fault))

    def select(self, provider: str | None = None, operation_id: str | None = None, method: str | None = None,
               status: int | None = None) -> Iterator[Entry]:
        for entry in self._entries:
            if ((provider is None or entry.provider == provider)
                    and (operation_id is None or entry.operation_id == operation_id)
                    and (method is None or entry.method == method.upper())
                    and (status is None or entry.status == status)):
                yield entry

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
