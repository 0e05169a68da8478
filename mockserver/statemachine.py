"""Transitions as data: `action -> {from status: to status}`, one table per provider, read in one glance
against the seeds. A status missing from an action's row means the action is refused there. Actions in
`clock_actions` are taken by the tenant's clock, never by a client.

A client's action is attempted by asking the table (`target`); the clock's moves are made through it
(`moved`, `clocked`). Either way the table tells the current call's coverage recording
(mockserver.coverage), so providers count without knowing who listens."""

from collections.abc import Mapping
from dataclasses import dataclass

from mockserver import coverage


# eq=False: a table is known by its identity (coverage counts key on it), and its rows are dicts.
@dataclass(frozen=True, eq=False)
class StateMachine:
    statuses: tuple[str, ...]
    transitions: Mapping[str, Mapping[str, str]]
    clock_actions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for action, row in self.transitions.items():
            unknown = (set(row) | set(row.values())) - set(self.statuses)
            if unknown:
                raise ValueError(f"{action}: unknown statuses {sorted(unknown)}")
        unknown_actions = set(self.clock_actions) - set(self.transitions)
        if unknown_actions:
            raise ValueError(f"clock_actions: unknown actions {sorted(unknown_actions)}")

    def target(self, action: str, status: str) -> str | None:
        """Where `action` takes an entity in `status`, or None if it may not. For a client's action,
        asking is attempting: it counts once the call succeeds (refused: at once). Asking about a clock
        action counts nothing: the clock's moves are counted by `moved`."""
        to = self.transitions[action].get(status)
        if action not in self.clock_actions:
            recording = coverage.current()
            if recording is not None:
                recording.move((self, action, status, to), at_once=to is None)
        return to

    def moved(self, action: str, status: str) -> str:
        """The clock takes an entity in `status` through `action`, now: where it lands (counted)."""
        to = self.transitions[action][status]
        recording = coverage.current()
        if recording is not None:
            recording.move((self, action, status, to), at_once=True)
        return to

    def clocked(self, before: str, after: str) -> bool:
        """For an entity whose status is worked out from the clock rather than set by a call: it was
        `before`, it is `after`. Counts each clock move on the way; False (nothing counted) when the
        clock's actions lead nowhere from `before` to `after` (e.g. the clock was set back)."""
        path = self._clock_path(before, after)
        if path is None:
            return False
        for action, start in path:
            self.moved(action, start)
        return True

    def _clock_path(self, before: str, after: str) -> list[tuple[str, str]] | None:
        paths: dict[str, list[tuple[str, str]]] = {before: []}
        frontier = [before]
        while frontier:
            status = frontier.pop(0)
            if status == after:
                return paths[status]
            for action in self.clock_actions:
                to = self.transitions[action].get(status)
                if to is not None and to not in paths:
                    paths[to] = [*paths[status], (action, status)]
                    frontier.append(to)
        return None

    def sources(self, action: str) -> tuple[str, ...]:
        return tuple(self.transitions[action])

    def describe(self) -> dict[str, object]:
        """The table as JSON (GET /__mock/machines, which the live state page draws): statuses in order,
        and one row per move with who makes it (a client's call or the clock)."""
        return {"statuses": list(self.statuses),
                "transitions": [{"action": action, "from": before, "to": after,
                                 "by": "clock" if action in self.clock_actions else "client"}
                                for action, row in self.transitions.items() for before, after in row.items()]}
