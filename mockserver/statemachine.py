"""Transitions as data: `action -> {from status: to status}`, one table per provider, read in one glance
against the seeds. A status missing from an action's row means the action is refused there."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StateMachine:
    statuses: tuple[str, ...]
    transitions: Mapping[str, Mapping[str, str]]

    def __post_init__(self) -> None:
        for action, row in self.transitions.items():
            unknown = (set(row) | set(row.values())) - set(self.statuses)
            if unknown:
                raise ValueError(f"{action}: unknown statuses {sorted(unknown)}")

    def target(self, action: str, status: str) -> str | None:
        """Where `action` takes an entity in `status`, or None if it may not."""
        return self.transitions[action].get(status)

    def sources(self, action: str) -> tuple[str, ...]:
        return tuple(self.transitions[action])
