"""Fault injection: the next `times` calls of an operation (optionally only those whose parameters,
query or body contain `match`) answer a documented error status, or a canned answer (any documented status
with a body given when the fault was armed), or wait first, or lose their connection. A faulted call never
reaches its handler, so it changes no state."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar


def contains(actual: Any, expected: Any) -> bool:
    """`expected` is a subset of `actual`: every key it names has a matching value."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    return actual == expected


F = TypeVar("F")


def take_first(armed: list[F], applies: Callable[[F], bool]) -> F | None:
    """The first armed fault that applies, its `times` counted down and retired from `armed` when spent
    (`times` None: until removed). Calls' faults and callback faults count alike."""
    for fault in armed:
        if applies(fault):
            times = fault.times  # type: ignore[attr-defined]
            if times is not None:
                fault.times = times - 1  # type: ignore[attr-defined]
                if times == 1:
                    armed.remove(fault)
            return fault
    return None


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
                and (self.times is None or self.times > 0) and contains(request, self.match))

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
        return take_first(self._faults, lambda fault: fault.applies(provider, operation_id, request))

    def __iter__(self):
        return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)

    def remove(self, fault_id: str | None = None) -> int:
        before = len(self._faults)
        self._faults = [] if fault_id is None else [f for f in self._faults if f.id != fault_id]
        return before - len(self._faults)
