"""Fixture entities shared by every tenant, copy-on-write. The fixtures are built once, at start (where
they are also validated: mockserver.fixture_check); a tenant's collection then starts as an `Overlay` of
that one set instead of a copy of it, so a new tenant costs what its own changes cost, however big the
fixtures are.

What is shared is only what no tenant's clock can move (a draft campaign, a finished send): an entity the
clock moves (a scheduled campaign, a live send) depends on the tenant's own clock, so each tenant builds
its own from the fixture's fields when it starts (they are few). A shared entity is copied into the
tenant the first time its `Collection` fetches it by id (`copied`: the way every operation that may change
it reaches it); reading by `get` or by iterating uses the shared objects in place, which is safe because
settling a shared entity changes nothing. A deleted fixture entity is remembered as gone (a tombstone)."""

import copy
import keyword
from collections.abc import Iterator
from itertools import islice
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

T = TypeVar("T")


_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, datetime, date, timedelta})


_COPIERS: dict[type, Any] = {}


def _copier(kind: type) -> Any:
    """For a slotted dataclass (its fields are all it holds): a function copying one, made once per class
    as straight-line attribute reads and writes (a loop of getattr/setattr costs twice as much, and the
    benchmark's every write copies a fixture entity); None for any other class."""
    if kind not in _COPIERS:
        _COPIERS[kind] = None
        if hasattr(kind, "__dataclass_fields__") and kind.__dictoffset__ == 0:
            names = tuple(kind.__dataclass_fields__)  # type: ignore[attr-defined]
            plain = all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("__") for n in names)
            frozen = kind.__dataclass_params__.frozen  # type: ignore[attr-defined]
            lines = ["def copy(value, memo):", "    new = memo[id(value)] = new_object(kind)"]
            for name in names:
                read = f"value.{name}" if plain else f"getattr(value, {name!r})"
                lines.append(f"    item = {read}")
                lines.append("    if type(item) not in immutable: item = entity_copy(item, memo)")
                lines.append(f"    new.{name} = item" if plain and not frozen else f"    set_field(new, {name!r}, item)")
            lines.append("    return new")
            scope = {"new_object": object.__new__, "kind": kind, "immutable": _IMMUTABLE,
                     "entity_copy": entity_copy, "set_field": object.__setattr__}
            exec("\n".join(lines), scope)  # noqa: S102 (field names only; any odd name goes through getattr)
            _COPIERS[kind] = scope["copy"]
    return _COPIERS[kind]


def entity_copy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of an entity, as copy.deepcopy makes it (objects shared inside it stay shared in the
    copy), several times faster for what entities are made of: slotted dataclasses, dicts, lists, tuples
    and immutable scalars are copied here, anything else by copy.deepcopy. The first write to each shared
    fixture entity pays it, so a benchmark walking fixture entities pays it on every call."""
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    if memo is None:
        memo = {}
    done = memo.get(id(value))
    if done is not None:
        return done
    new: Any
    if kind is dict:  # copied whole at C speed, then only what is not immutable copied again
        new = memo[id(value)] = value.copy()
        for key, item in new.items():
            if type(item) not in _IMMUTABLE:
                new[key] = entity_copy(item, memo)
    elif kind is list:
        new = memo[id(value)] = value.copy()
        for index, item in enumerate(new):
            if type(item) not in _IMMUTABLE:
                new[index] = entity_copy(item, memo)
    elif kind is tuple:
        items = tuple(entity_copy(item, memo) for item in value)
        new = memo[id(value)] = value if all(a is b for a, b in zip(items, value)) else items
    elif (copier := _copier(kind)) is not None:
        new = copier(value, memo)
    else:
        new = memo[id(value)] = copy.deepcopy(value, {})
    return new


class SharedEntities(Generic[T]):
    """One collection's fixture entities, built once: `static` the ones every tenant shares, `clocked`
    the fixture fields of those each tenant builds itself; `ids` all of them in fixture order."""

    __slots__ = ("ids", "static", "clocked", "indexes")

    def __init__(self, ids: list[str], static: dict[str, T], clocked: dict[str, dict[str, Any]],
                 indexes: dict[str, Any] | None = None) -> None:
        self.ids = dict.fromkeys(ids)  # ordered, and a fast membership test
        self.static = static
        self.clocked = clocked
        self.indexes = indexes or {}  # name -> SortedIndex of the static entities (mockserver.indexes)


class Overlay(Generic[T]):
    """The mapping id -> entity a tenant's `Collection` keeps (`entities`), over shared fixture entities.
    Order as a dict would have it: the fixture's entities in fixture order (one replaced stays in its
    place), then those added since, in the order they were added (one deleted and added again is added)."""

    __slots__ = ("_shared", "_mine", "_gone", "_len")

    def __init__(self, shared: SharedEntities[T]) -> None:
        self._shared = shared
        self._mine: dict[str, T] = {}  # the tenant's own: copies, replacements, its clocked ones, additions
        self._gone: set[str] = set()  # fixture ids deleted by the tenant
        self._len = len(shared.static)

    def _in_place(self, entity_id: str) -> bool:
        """The id holds a fixture entity's place (the entity may be shared or the tenant's own)."""
        return entity_id in self._shared.ids and entity_id not in self._gone

    def get(self, entity_id: str, default: Any = None) -> Any:
        """The entity, to read: a shared one is not copied (nothing may change it through this)."""
        mine = self._mine.get(entity_id)
        if mine is not None:
            return mine
        if entity_id in self._gone:
            return default
        return self._shared.static.get(entity_id, default)

    def __getitem__(self, entity_id: str) -> T:
        entity = self.get(entity_id)
        if entity is None:
            raise KeyError(entity_id)
        return entity

    def copied(self, entity_id: str) -> tuple[Any, bool]:
        """The entity, the tenant's own (a shared one is copied into the tenant first; None: no such id),
        and whether it copied a shared entity just now."""
        mine = self._mine.get(entity_id)
        if mine is not None or entity_id in self._gone:
            return mine, False
        shared = self._shared.static.get(entity_id)
        if shared is None:
            return None, False
        own = self._mine[entity_id] = entity_copy(shared)
        return own, True

    def disown(self, entity_id: str) -> T:
        """The shared fixture entity back in its place (the undo of a call that copied it): whatever the
        tenant holds under the id (the copy, a replacement) is dropped, a deletion forgotten."""
        readded = entity_id in self._mine and entity_id in self._gone  # deleted, then added again
        self._mine.pop(entity_id, None)
        if entity_id in self._gone:
            self._gone.discard(entity_id)
            if not readded:
                self._len += 1
        return self._shared.static[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._mine or (entity_id in self._shared.static and entity_id not in self._gone)

    def __setitem__(self, entity_id: str, entity: T) -> None:
        if entity_id not in self:
            self._len += 1
        elif entity_id not in self._mine and entity is self._shared.static.get(entity_id):
            return  # putting a shared entity back where it is (an undo of a read): it stays shared
        self._mine[entity_id] = entity

    def pop(self, entity_id: str, *default: Any) -> Any:
        if entity_id in self._mine:
            entity = self._mine.pop(entity_id)
        elif self._in_place(entity_id) and entity_id in self._shared.static:
            entity = self._shared.static[entity_id]
        elif default:
            return default[0]
        else:
            raise KeyError(entity_id)
        if entity_id in self._shared.ids:
            self._gone.add(entity_id)
        self._len -= 1
        return entity

    def __len__(self) -> int:
        return self._len

    def items(self) -> "_Items[T]":
        return _Items(self)

    def values(self) -> "_Values[T]":
        return _Values(self)

    def keys(self) -> "_Keys[T]":
        return _Keys(self)

    def __iter__(self) -> Iterator[str]:
        return (entity_id for entity_id, _ in self._pairs())

    def _pairs(self, newest_first: bool = False) -> Iterator[tuple[str, T]]:
        mine, static, gone = self._mine, self._shared.static, self._gone
        added = [i for i in self._mine if not self._in_place(i)]
        if newest_first:
            for entity_id in reversed(added):
                yield entity_id, mine[entity_id]
        ids = reversed(self._shared.ids) if newest_first else iter(self._shared.ids)
        for entity_id in ids:
            if entity_id in gone:
                continue
            entity = mine.get(entity_id)
            if entity is None:
                entity = static.get(entity_id)
                if entity is None:  # a clocked fixture entity this tenant has not built (none such)
                    continue
            yield entity_id, entity
        if not newest_first:
            for entity_id in added:
                yield entity_id, mine[entity_id]

    def page(self, offset: int, limit: int, newest_first: bool = False) -> list[T]:
        """list(islice(values (or reversed), offset, offset + limit)), without walking the `offset`
        entities before the page in Python when no fixture entity was deleted: the fixture ids are skipped
        by islice over their dict (C speed), then the tenant's additions follow (or come first)."""
        if self._gone:
            values = reversed(self.values()) if newest_first else iter(self.values())
            return list(islice(values, offset, offset + limit))
        ids = self._shared.ids
        added = [i for i in self._mine if i not in ids]
        parts = ((added[::-1], ids) if newest_first else (ids, added))
        chosen: list[str] = []
        for part in parts:
            size = len(part)
            if offset < size and len(chosen) < limit:
                source = reversed(part) if newest_first and part is ids else iter(part)
                chosen += islice(source, offset, offset + limit - len(chosen))
            offset = max(0, offset - size)
        mine, static = self._mine, self._shared.static
        return [entity for entity in (mine.get(i) or static.get(i) for i in chosen) if entity is not None]

    def as_dict(self) -> dict[str, T]:
        """Every entity, own or shared, as a plain dict (what --state-file stores)."""
        return dict(self._pairs())


class _View(Generic[T]):
    __slots__ = ("_overlay",)

    def __init__(self, overlay: Overlay[T]) -> None:
        self._overlay = overlay

    def __len__(self) -> int:
        return len(self._overlay)


class _Items(_View[T]):
    def __iter__(self) -> Iterator[tuple[str, T]]:
        return self._overlay._pairs()

    def __reversed__(self) -> Iterator[tuple[str, T]]:
        return self._overlay._pairs(newest_first=True)


class _Values(_View[T]):
    def __iter__(self) -> Iterator[T]:
        return (entity for _, entity in self._overlay._pairs())

    def __reversed__(self) -> Iterator[T]:
        return (entity for _, entity in self._overlay._pairs(newest_first=True))


class _Keys(_View[T]):
    def __iter__(self) -> Iterator[str]:
        return (entity_id for entity_id, _ in self._overlay._pairs())

    def __reversed__(self) -> Iterator[str]:
        return (entity_id for entity_id, _ in self._overlay._pairs(newest_first=True))
