"""Drift: where a real provider's answer and our contract disagree. Each upstream answer is matched to the
documented operation it answers and checked against that operation's schema for its status; what does
not fit is kept (server-wide: a proxied call belongs to no tenant) for `GET /__mock/drift`, and logged
once per (operation, status, reason). Upstreams that could not be reached are kept there too."""

import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

import orjson

from mockserver.contracts import Contract, Match
from mockserver.proxy.redact import redacted, scrubbed, secrets_in

log = logging.getLogger("mockserver.proxy")

MAX_DRIFTS = 1_000  # distinct drifts kept; past this only `checked` and the counts grow
MAX_FAILURES = 1_000  # upstream failures kept, newest last


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def judge(contract: Contract, method: str, path: str, status: int, content_type: str | None,
          body: bytes, secrets: set[str]) -> tuple[str | None, list[str]]:
    """(the operationId the answer is for, or None; why it breaks the contract, empty if it keeps it).
    No reason ever holds a credential: body problems are explained on a copy with credential fields
    redacted, and every reason is scrubbed of the credential values seen in the call."""
    match = contract.match(method, path)
    if not isinstance(match, Match):
        documented = f" (the path documents {', '.join(sorted(set(match)))})" if match else ""
        return None, [f"{method} {path} matches no documented operation{documented}"]
    operation = match.operation
    if status not in operation.responses:
        documented = ", ".join(str(s) for s in sorted(operation.responses))
        return operation.operation_id, [f"status {status} is not documented (documented: {documented})"]
    schema = operation.responses[status]
    if schema is None or method == "HEAD":
        return operation.operation_id, []
    if content_type is None or "json" not in content_type.lower():
        return operation.operation_id, [f"content-type {content_type or '(none)'}: documented application/json"]
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return operation.operation_id, ["the body is not JSON" if body.strip() else "the body is empty"]
    if schema.is_valid(value):
        return operation.operation_id, []
    secrets = secrets_in(value, set(secrets))
    shown = redacted(value)
    reasons = [f"{p.field or 'body'}: {p.message}" for p in schema.problems(shown)]
    if not reasons or schema.is_valid(shown):
        reasons.append("a credential-named field breaks the schema (its value is not shown)")
    return operation.operation_id, [scrubbed(reason, secrets) for reason in reasons]


class DriftReport:
    """Everything the proxy has learnt about its upstreams, for GET /__mock/drift and the log."""

    def __init__(self) -> None:
        self.checked = 0
        self.unchecked = 0  # answers too large to keep whole, or whose encoding could not be undone
        self._drifts: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._logged: set[tuple[str, str | None, int, str]] = set()
        self.failed = 0
        self._failures: deque[dict[str, Any]] = deque(maxlen=MAX_FAILURES)

    def add(self, provider: str, operation_id: str | None, method: str, path: str, status: int,
            reasons: list[str]) -> None:
        """One checked answer; `reasons` empty when it kept its contract."""
        self.checked += 1
        if not reasons:
            return
        # Unmatched calls are told apart by their path; matched ones by their operation.
        key = (provider, operation_id or f"{method} {path}", status, tuple(reasons))
        entry = self._drifts.get(key)
        if entry is not None:
            entry["count"] += 1
        elif len(self._drifts) < MAX_DRIFTS:
            self._drifts[key] = {"provider": provider, "operationId": operation_id, "method": method, "path": path,
                                 "status": status, "reasons": reasons, "at": _now(), "count": 1}
        for reason in reasons:
            once = (provider, operation_id or f"{method} {path}", status, reason)
            if once not in self._logged:
                self._logged.add(once)
                log.warning("drift: %s %s (%s %s) answered %s: %s", provider, operation_id or "(no operation)",
                            method, path, status, reason)

    def fail(self, provider: str, upstream: str, method: str, path: str, status: int, error: str) -> None:
        """An upstream that could not be reached, or did not answer in time: answered `status` (502/504)."""
        self.failed += 1
        self._failures.append({"provider": provider, "upstream": upstream, "method": method, "path": path,
                               "status": status, "error": error, "at": _now()})
        log.warning("upstream failure: %s %s %s via %s answered %s: %s", provider, method, path, upstream, status,
                    error)

    def render(self) -> dict[str, Any]:
        return {"checked": self.checked, "unchecked": self.unchecked, "drift": list(self._drifts.values()),
                "failed": self.failed, "failures": list(self._failures)}
