"""Fault injection: the next `times` calls of an operation (optionally only those whose parameters,
query or body contain `match`) answer a documented error status, or a canned answer (any documented status
with a body given when the fault was armed), or wait first, or lose their connection. A faulted call never
reaches its handler, so it changes no state."""

from dataclasses import dataclass, field
from typing import Any


def _contains(actual: Any, expected: Any) -> bool:
    """`expected` is a subset of `actual`: every key it names has a matching value."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    return actual == expected


@dataclass
class Fault:
    id: str
    provider: str
    operation_id: str
    status: int | None = None
    delay_ms: int = 0
    drop: bool = False
    times: int | None = 1  # None: until deleted
    match: dict[str, Any] = field(default_factory=dict)  # subset of {"params", "query", "body"}
    body: Any = None  # a canned answer's body (checked against the contract when armed); None: the documented one

    def applies(self, provider: str, operation_id: str, request: dict[str, Any]) -> bool:
        return (self.provider == provider and self.operation_id == operation_id
                and (self.times is None or self.times > 0) and _contains(request, self.match))

    def render(self) -> dict[str, Any]:
        return {"id": self.id, "provider": self.provider, "operationId": self.operation_id, "status": self.status,
                "delay_ms": self.delay_ms, "drop": self.drop, "times": self.times, "match": self.match, "body": self.body}


class Faults:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._last_id = 0  # a plain int: faults are stored with --state-file

    def add(self, **fields: Any) -> Fault:
        self._last_id += 1
        fault = Fault(id=f"fault_{self._last_id}", **fields)
        self._faults.append(fault)
        return fault

    def take(self, provider: str, operation_id: str, request: dict[str, Any]) -> Fault | None:
        """The first fault for this call, counted down (and retired when spent)."""
        for fault in self._faults:
            if fault.applies(provider, operation_id, request):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                return fault
        return None

    def __iter__(self):
        return iter(list(self._faults))

    def remove(self, fault_id: str | None = None) -> int:
        before = len(self._faults)
        self._faults = [] if fault_id is None else [f for f in self._faults if f.id != fault_id]
        return before - len(self._faults)
