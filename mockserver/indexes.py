"""A collection's entities in the order of a key, kept up to date on every add, replace and delete, so a
list page costs about the page, not the collection (issue 17, point 2). Keys are what a write can change
only by replacing the entity (a control-plane PUT builds a new one): ids, creation dates, names; a field
the clock moves in place (a status) is no key.

`Members` is the other kind: the ids of the entities for which a test holds (a BSG campaign with its own
callback URL), so "is there any?" and "which?" cost what the members cost, not the collection.

A tenant's index over shared fixture entities (mockserver.overlay) starts as the fixtures' one list (or set)
and is copied the first time the tenant changes it."""

from bisect import bisect_left, insort
from collections.abc import Callable
from typing import Any

Key = Callable[[Any], Any]


class Where:
    """In a collection's `index_keys`: index the ids of the entities for which `test` holds (`Members`),
    not every entity in a key's order. Like a key, the test must be of what changes only by replacing
    the entity."""

    __slots__ = ("test",)

    def __init__(self, test: Callable[[Any], bool]) -> None:
        self.test = test


class GroupBy:
    """In a collection's `index_keys`: index the ids by the value of `key`, each group in the collection's
    own order (`Grouped`), for a list filtered by an equality the provider documents (a brand)."""

    __slots__ = ("key",)

    def __init__(self, key: Key) -> None:
        self.key = key


def new_index(spec: "Key | Where | GroupBy", entities: Any = None) -> "SortedIndex | Members | Grouped":
    """The index `spec` asks for, of `entities` (a mapping id -> entity) when given."""
    items = () if entities is None else entities.items()
    if isinstance(spec, Where):
        return Members(spec.test, {entity_id for entity_id, entity in items if spec.test(entity)})
    if isinstance(spec, GroupBy):
        grouped = Grouped(spec.key)
        grouped.regroup(items)
        return grouped
    return SortedIndex(spec, sorted((spec(entity), entity_id) for entity_id, entity in items))


class SortedIndex:
    __slots__ = ("key", "pairs", "_own")

    def __init__(self, key: Key, pairs: list[tuple[Any, str]] | None = None) -> None:
        self.key = key
        self.pairs: list[tuple[Any, str]] = [] if pairs is None else pairs  # (key, id), ascending
        self._own = pairs is None

    def _mine(self) -> list[tuple[Any, str]]:
        if not self._own:
            self.pairs, self._own = list(self.pairs), True
        return self.pairs

    def put(self, entity_id: str, old: Any, new: Any) -> None:
        if old is not None:
            self.remove(entity_id, old)
        insort(self._mine(), (self.key(new), entity_id))

    def remove(self, entity_id: str, old: Any) -> None:
        pair = (self.key(old), entity_id)
        at = bisect_left(self.pairs, pair)
        if at < len(self.pairs) and self.pairs[at] == pair:
            del self._mine()[at]

    def shared(self, leave_out: set[str] | dict[str, Any]) -> "SortedIndex":
        """A copy for tenants to share (without the ids each tenant indexes itself)."""
        return SortedIndex(self.key, [pair for pair in self.pairs if pair[1] not in leave_out])

    def view(self) -> "SortedIndex":
        """This index, for one more tenant: the same list until that tenant changes it."""
        return SortedIndex(self.key, self.pairs)

    def between(self, low: Any, high: Any) -> tuple[int, int]:
        """The positions of the pairs whose key k has low <= k < high (keys compared as tuples)."""
        return bisect_left(self.pairs, (low,)), bisect_left(self.pairs, (high,))


class Members:
    """The ids of a collection's entities for which `test` holds, kept on every add, replace and delete."""

    __slots__ = ("test", "ids", "_own")

    def __init__(self, test: Callable[[Any], bool], ids: set[str] | None = None) -> None:
        self.test = test
        self.ids: set[str] = set() if ids is None else ids
        self._own = ids is None

    def _mine(self) -> set[str]:
        if not self._own:
            self.ids, self._own = set(self.ids), True
        return self.ids

    def put(self, entity_id: str, old: Any, new: Any) -> None:
        if self.test(new):
            if entity_id not in self.ids:
                self._mine().add(entity_id)
        elif entity_id in self.ids:
            self._mine().discard(entity_id)

    def remove(self, entity_id: str, old: Any) -> None:
        if entity_id in self.ids:
            self._mine().discard(entity_id)

    def shared(self, leave_out: set[str] | dict[str, Any]) -> "Members":
        return Members(self.test, {entity_id for entity_id in self.ids if entity_id not in leave_out})

    def view(self) -> "Members":
        return Members(self.test, self.ids)

    def __len__(self) -> int:
        return len(self.ids)


class Grouped:
    """The ids by the value of a key, each group in the collection's order (dict order: an added id goes
    last, a replaced one keeps its place). When a write may have put an id out of that order (its key
    changed, or an id took back a fixture's fixed place: mockserver.overlay), its group is marked `stale`
    and the collection regroups it from its own order on the next read (Collection.group)."""

    __slots__ = ("key", "groups", "placed", "stale", "_own")

    def __init__(self, key: Key, groups: dict[Any, dict[str, None]] | None = None,
                 placed: Any = None) -> None:
        self.key = key
        self.groups: dict[Any, dict[str, None]] = {} if groups is None else groups
        self.placed = placed  # ids that have a fixed place in the order (a tenant's fixture ids), or None
        self.stale: set[Any] = set()
        self._own: set[Any] | None = None if groups is not None else set()  # groups this one may change

    def _group(self, value: Any) -> dict[str, None]:
        if self._own is None:  # shared with the fixtures: copy the map on the first change
            self.groups, self._own = dict(self.groups), set()
        if value not in self._own:
            self.groups[value] = dict(self.groups.get(value, {}))
            self._own.add(value)
        return self.groups[value]

    def put(self, entity_id: str, old: Any, new: Any) -> None:
        value = self.key(new)
        if old is not None:
            before = self.key(old)
            if before == value and entity_id in self.groups.get(value, ()):
                return  # replaced in place: same group, same place
            self.remove(entity_id, old)
            self.stale.add(value)  # it keeps its place in the collection, not at the group's end
        elif self.placed is not None and entity_id in self.placed:
            if entity_id in self.groups.get(value, ()):
                return  # a clocked fixture entity the tenant built: already in its place (`shared`)
            self.stale.add(value)  # a fixture id: its place may be the fixture's, not the end
        self._group(value)[entity_id] = None

    def remove(self, entity_id: str, old: Any) -> None:
        value = self.key(old)
        if entity_id in self.groups.get(value, ()):
            del self._group(value)[entity_id]

    def regroup(self, items: Any) -> None:
        """Every group made again from (id, entity) pairs in the collection's order."""
        groups: dict[Any, dict[str, None]] = {}
        for entity_id, entity in items:
            groups.setdefault(self.key(entity), {})[entity_id] = None
        self.groups, self._own, self.stale = groups, set(groups), set()

    def shared(self, leave_out: set[str] | dict[str, Any]) -> "Grouped":
        """A copy for tenants to share. Unlike the other indexes it keeps the ids each tenant builds itself
        (the clocked fixture entities): a key is never what the clock moves, so each tenant's own build
        of one lands in the group and place it already has there, and no tenant regroups at load."""
        return Grouped(self.key, {value: dict(ids) for value, ids in self.groups.items()})

    def view(self, placed: Any = None) -> "Grouped":
        return Grouped(self.key, self.groups, placed)
