"""Which documented outcomes and state-machine transitions a test suite exercised, per tenant and for the
whole server.

Counting: the edge opens a `Recording` for every call (provider and control plane alike: the clock moves
entities during any read) and makes it current in a context variable; the state machines report to it
(`StateMachine.target`, `StateMachine.clocked`) without knowing who listens, and the edge reports the
answer. A client's legal move counts once the call succeeds (a move the table allows may still be refused
for another reason, e.g. a schedule in the past); a refused attempt and a move by the clock count at once.
Each recording adds to its tenant's counts and to the server's, which are kept apart from the tenants so
they outlive evictions.

Reporting: `report` lays the counts over the catalogue (every documented status of every operation, every
(action, from-status) pair a client can attempt, every clock-driven transition), with 0 where nothing
happened; `merge` sums reports (pytest-xdist workers) and `markdown` renders one for a pull request."""

from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mockserver.contracts import Contract


class Table(Protocol):
    """A state machine's table, as coverage reads it (mockserver.statemachine.StateMachine is one; the
    machines report to this module, so it names no type of theirs)."""

    statuses: tuple[str, ...]
    transitions: Mapping[str, Mapping[str, str]]
    clock_actions: tuple[str, ...]


# (provider, operationId, status)
Outcome = tuple[str, str, int]
# (machine, action, from status, to status or None when refused)
Move = tuple[Table, str, str, str | None]


@dataclass
class Counts:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    moves: Counter[Move] = field(default_factory=Counter)


class Recording:
    """What one call did, added to every sink (its tenant's counts and the server's). As a context
    manager (a class's, cheaper than a generator's: one is entered every call) it is the current one."""

    __slots__ = ("_sinks", "_pending", "_reset")

    def __init__(self, sinks: tuple[Counts, ...]) -> None:
        self._sinks = sinks
        self._pending: list[Move] = []

    def __enter__(self) -> "Recording":
        self._reset = _CURRENT.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _CURRENT.reset(self._reset)
        self.close(False)  # anything left pending belongs to a call that never answered

    def outcome(self, provider: str, operation_id: str, status: int) -> None:
        for sink in self._sinks:
            sink.outcomes[(provider, operation_id, status)] += 1

    def move(self, move: Move, at_once: bool) -> None:
        if at_once:
            for sink in self._sinks:
                sink.moves[move] += 1
        else:
            self._pending.append(move)

    def close(self, succeeded: bool) -> None:
        """The call is answered: its clients' legal moves happened only if it succeeded."""
        if succeeded:
            for move in self._pending:
                self.move(move, at_once=True)
        self._pending.clear()


_CURRENT: ContextVar[Recording | None] = ContextVar("mockserver_coverage", default=None)


def current() -> Recording | None:
    """The call being answered, if any (backends driven directly, e.g. by unit tests, record nothing)."""
    return _CURRENT.get()


class CoverageBook:
    """The server's counts (every tenant ever seen since start) and each tenant's, the latter bounded like
    the tenants themselves (least recently used forgotten first)."""

    def __init__(self, max_tenants: int) -> None:
        self.server = Counts()
        self._tenants: OrderedDict[str, Counts] = OrderedDict()
        self._max_tenants = max_tenants

    def of(self, token: str) -> Counts:
        counts = self._tenants.get(token)
        if counts is None:
            counts = self._tenants[token] = Counts()
            while len(self._tenants) > self._max_tenants:
                self._tenants.popitem(last=False)
        else:
            self._tenants.move_to_end(token)
        return counts

    def forget(self, token: str) -> None:
        """A reset tenant starts counting afresh; the server's sum keeps what it did."""
        self._tenants.pop(token, None)

    def recording(self, token: str | None) -> Recording:
        """The call's recording, to enter (`with`): current until the call is answered."""
        return Recording((self.server,) if token is None else (self.of(token), self.server))


@dataclass(frozen=True)
class Catalogue:
    """What can be covered, from the contracts and the providers' state-machine tables."""

    operations: Mapping[str, tuple[Any, ...]]  # provider -> its contract's operations
    machines: Mapping[str, Mapping[str, Table]]  # provider -> collection -> table

    @classmethod
    def of(cls, providers: Iterable[Any], contracts: Mapping[str, "Contract"]) -> "Catalogue":
        providers = list(providers)
        return cls({p.id: contracts[p.id].operations for p in providers},
                   {p.id: dict(getattr(p, "machines", {})) for p in providers})


def _transitions(machine: Table) -> Iterator[tuple[str, str, str | None]]:
    for action, row in machine.transitions.items():
        if action in machine.clock_actions:
            yield from ((action, before, after) for before, after in row.items())
        else:
            yield from ((action, status, row.get(status)) for status in machine.statuses)


def report(catalogue: Catalogue, counts: Counts, scope: str) -> dict[str, Any]:
    providers = {}
    for pid, operations in catalogue.operations.items():
        rows = [{"operationId": op.operation_id, "method": op.method, "path": op.path,
                 "outcomes": {str(status): counts.outcomes[(pid, op.operation_id, status)]
                              for status in sorted(op.responses)}}
                for op in operations]
        moves = [{"collection": collection, "action": action, "from": before, "to": after,
                  "count": counts.moves[(machine, action, before, after)]}
                 for collection, machine in catalogue.machines.get(pid, {}).items()
                 for action, before, after in _transitions(machine)]
        providers[pid] = {"operations": rows, "transitions": moves}
    return summarized({"scope": scope, "providers": providers})


def summarized(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its summaries (per provider and in all) worked out from its rows."""
    total = {"outcomes": {"exercised": 0, "documented": 0}, "transitions": {"exercised": 0, "total": 0}}
    for body in document["providers"].values():
        counts = [n for row in body["operations"] for n in row["outcomes"].values()]
        moves = [row["count"] for row in body["transitions"]]
        body["summary"] = {"outcomes": {"exercised": sum(1 for n in counts if n), "documented": len(counts)},
                           "transitions": {"exercised": sum(1 for n in moves if n), "total": len(moves)}}
        for kind in total:
            for key, value in body["summary"][kind].items():
                total[kind][key] += value
    document["summary"] = total
    return document


def merge(documents: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The sum of several reports of the same catalogue (each pytest-xdist worker runs its own server)."""
    merged: dict[str, Any] | None = None
    for document in documents:
        if merged is None:
            merged = {"scope": document["scope"], "providers": {
                pid: {"operations": [dict(row, outcomes=dict(row["outcomes"])) for row in body["operations"]],
                      "transitions": [dict(row) for row in body["transitions"]]}
                for pid, body in document["providers"].items()}}
            continue
        for pid, body in document["providers"].items():
            mine = merged["providers"][pid]
            for row, theirs in zip(mine["operations"], body["operations"], strict=True):
                for status, count in theirs["outcomes"].items():
                    row["outcomes"][status] += count
            for row, theirs in zip(mine["transitions"], body["transitions"], strict=True):
                row["count"] += theirs["count"]
    return None if merged is None else summarized(merged)


def subtract(later: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """What happened between two reports of one server (a server someone else may be using too)."""
    negated = {"scope": earlier["scope"], "providers": {
        pid: {"operations": [dict(row, outcomes={s: -n for s, n in row["outcomes"].items()})
                             for row in body["operations"]],
              "transitions": [dict(row, count=-row["count"]) for row in body["transitions"]]}
        for pid, body in earlier["providers"].items()}}
    return merge([later, negated])  # type: ignore[return-value]


def share(document: dict[str, Any]) -> float:
    """Percent of documented outcomes exercised."""
    outcomes = document["summary"]["outcomes"]
    return 100.0 * outcomes["exercised"] / outcomes["documented"] if outcomes["documented"] else 100.0


def _move_name(row: dict[str, Any]) -> str:
    target = row["to"] if row["to"] is not None else "refused"
    return f"{row['collection']}: {row['action']} {row['from']} -> {target}"


def missing(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A provider's never-exercised outcomes ("cancelCampaign 409") and transitions."""
    outcomes = [f"{row['operationId']} {status}" for row in body["operations"]
                for status, count in row["outcomes"].items() if not count]
    moves = [_move_name(row) for row in body["transitions"] if not row["count"]]
    return outcomes, moves


def markdown(document: dict[str, Any]) -> str:
    total = document["summary"]
    lines = [f"## mockserver coverage ({document['scope']})", "",
             f"Documented outcomes exercised: **{total['outcomes']['exercised']} of "
             f"{total['outcomes']['documented']}** ({share(document):.0f}%); state-machine transitions: "
             f"**{total['transitions']['exercised']} of {total['transitions']['total']}**.", ""]
    for pid, body in document["providers"].items():
        summary = body["summary"]
        lines += [f"### {pid}", "",
                  f"{summary['outcomes']['exercised']} of {summary['outcomes']['documented']} outcomes, "
                  f"{summary['transitions']['exercised']} of {summary['transitions']['total']} transitions.", "",
                  "| operation | method | path | answered | never |", "|---|---|---|---|---|"]
        for row in body["operations"]:
            answered = ", ".join(f"{s} ×{n}" for s, n in row["outcomes"].items() if n) or "—"
            never = ", ".join(s for s, n in row["outcomes"].items() if not n) or "—"
            lines.append(f"| `{row['operationId']}` | {row['method']} | `{row['path']}` | {answered} | {never} |")
        if body["transitions"]:
            lines += ["", "| collection | action | from | to | count |", "|---|---|---|---|---|"]
            for row in body["transitions"]:
                target = row["to"] if row["to"] is not None else "*refused*"
                lines.append(f"| {row['collection']} | {row['action']} | {row['from']} | {target} | {row['count']} |")
        lines.append("")
    return "\n".join(lines)
