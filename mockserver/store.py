"""Where a backend keeps its entities: one `Collection` per collection name, each knowing how to build an
entity from loose fields (fixtures, control-plane PUT), render it as the provider does, and bring it up to
the clock before anyone sees it. `Store` gives every backend the control plane's view (dump, get, put)
without a copy per provider."""

import itertools
import keyword
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any, ClassVar, Generic, TypeVar

import orjson

from mockserver.api import EntityRejected
from mockserver.indexes import Grouped, GroupBy, Members, SortedIndex, Where, new_index
from mockserver.overlay import Overlay, SharedEntities

T = TypeVar("T")
Check = Callable[[dict[str, Any]], list[str]]


class Rendered:
    """For a dataclass entity rendered as exactly its fields, but those it keeps for itself (named in
    `internal`: a send's delivery plan, a campaign's sends)."""

    __slots__ = ()
    internal: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        names = cls.__dict__.get("_field_names")
        if names is None:  # worked out once per class: render runs on every answer
            names = tuple(f.name for f in dataclass_fields(cls) if f.name not in cls.internal)  # type: ignore[arg-type]
            cls._field_names = names  # type: ignore[attr-defined]
        return names

    def render(self) -> dict[str, Any]:
        cls = type(self)
        rendering = cls.__dict__.get("_rendering")
        if rendering is None:
            rendering = cls._rendering = _renderer(cls.field_names())  # type: ignore[attr-defined]
        return rendering(self)


def _renderer(names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    """A function returning {name: entity.name, ...} as one dict display: render runs for each entity of a
    list, and this is about twice as fast as a loop of getattr. Names are a dataclass's field names
    (identifiers; any other name is read by getattr), so the generated source is only attribute reads."""
    if not all(name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__") for name in names):
        return lambda entity: {name: getattr(entity, name) for name in names}
    source = "lambda entity: {" + ", ".join(f"{name!r}: entity.{name}" for name in names) + "}"
    return eval(source)  # noqa: S307 (built from identifiers only, checked above)


def json_copy(value: Any) -> Any:
    """A deep copy of plain JSON data (what entities hold and render), several times faster than
    copy.deepcopy."""
    return orjson.loads(orjson.dumps(value))


def share_strings(value: Any, seen: dict[str, str]) -> Any:
    """Equal strings made one object, in place: a JSON parser makes a new string for every occurrence, so
    100,000 fixture campaigns would otherwise hold 100,000 copies of "draft", of a brand id, of a
    timestamp. Strings are immutable, so sharing them is invisible; `seen` lives for one load only."""
    if isinstance(value, str):
        return seen.setdefault(value, value)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = share_strings(item, seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = share_strings(item, seen)
    return value


def no_progress(entity: object) -> None:
    """For entities the clock does not move."""


def never_moves(entity: object) -> bool:
    return False


_ABSENT = object()  # in an undo record: the id named no entity before the call


class _Copied:
    """In an undo record: the call copied a shared fixture entity (mockserver.overlay) into the tenant;
    taking back drops the copy (nothing of it needs saving: the shared one is as it was)."""

    __slots__ = ("copy",)

    def __init__(self, copy: Any) -> None:
        self.copy = copy


def _field_names(cls: type) -> tuple[str, ...]:
    names = cls.__dict__.get("_undo_fields")
    if names is None:  # worked out once per class
        names = tuple(f.name for f in dataclass_fields(cls))
        cls._undo_fields = names  # type: ignore[attr-defined]
    return names


def _before(entity: Any) -> dict[str, Any]:
    """What an entity (a dataclass) holds, enough to put it back: its fields, and a copy of each list
    and dict field, since handlers append to and update those in place. Objects inside are shared: the
    ones a handler changes in place are the clock's progress (a send's counts), which comes back the same
    from the clock."""
    values = {}
    for name in _field_names(type(entity)):
        value = getattr(entity, name)
        values[name] = value.copy() if isinstance(value, (list, dict)) else value
    return values


@dataclass
class Collection(Generic[T]):
    build: Callable[[str, dict[str, Any]], T]  # raises EntityRejected for fields it cannot use
    render: Callable[[T], dict[str, Any]]
    settle: Callable[[T], None] = no_progress  # progress by the tenant's clock
    # Whether the tenant's clock may move the entity (settle may change it): such fixture entities are
    # each tenant's own, the others shared by all tenants (mockserver.overlay).
    moves: Callable[[T], bool] = never_moves
    entities: dict[str, T] = field(default_factory=dict)
    # While a call that may change state runs: id -> the entity's fields before the call first touched
    # it (_ABSENT: it did not exist), so an answer that fails can take every change back (Undo).
    undo: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    # The fixture fields of the entities `moves` marks, as loaded (see Store.load).
    fixture_fields: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    # name -> key: the entities kept in that key's order on every add and delete (mockserver.indexes),
    # for lists that cost the page; or name -> Where(test): the ids of the entities passing the test. A
    # key (a test) must be of what changes only by replacing the entity.
    index_keys: dict[str, Callable[[T], Any] | Where | GroupBy] = field(default_factory=dict, repr=False, compare=False)
    indexes: dict[str, SortedIndex | Members | Grouped] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.indexes = {name: new_index(spec) for name, spec in self.index_keys.items()}

    def reindex(self) -> None:
        """Every index made again from the entities (after they were put in whole: a restored tenant)."""
        self.indexes = {name: new_index(spec, self.entities) for name, spec in self.index_keys.items()}

    def _touch(self, entity_id: str, entity: Any) -> None:
        if self.undo is not None and entity_id not in self.undo:
            self.undo[entity_id] = _ABSENT if entity is None else (entity, _before(entity))

    def get(self, entity_id: str) -> T | None:
        """The entity, the tenant's own (a shared fixture entity is copied first: mockserver.overlay), up to
        the clock; every operation that may change an entity fetches it here."""
        entities = self.entities
        if type(entities) is dict:
            entity = entities.get(entity_id)
            copied = False
        else:
            entity, copied = entities.copied(entity_id)
        if entity is not None:
            if copied and self.undo is not None and entity_id not in self.undo:
                self.undo[entity_id] = _Copied(entity)
            else:
                self._touch(entity_id, entity)
            self.settle(entity)
        return entity

    def group(self, name: str, value: Any) -> Iterator[T]:
        """The entities whose key `name` (a GroupBy index) is `value`, in the collection's order, each up
        to the clock (as iterating the collection gives them, without walking the rest)."""
        index = self.indexes[name]
        if value in index.stale:  # type: ignore[union-attr]
            index.regroup(self.entities.items())  # type: ignore[union-attr]
        for entity_id in list(index.groups.get(value, ())):  # type: ignore[union-attr]
            entity = self.entities.get(entity_id)
            if entity is not None:
                self._touch(entity_id, entity)
                self.settle(entity)
                yield entity

    def read(self, entity_id: str) -> T | None:
        """The entity, up to the clock, to read only: a shared fixture entity is not copied (mockserver.overlay)
        and the call's undo record does not take it (a read has nothing to take back)."""
        entity = self.entities.get(entity_id)
        if entity is not None:
            self.settle(entity)
        return entity

    def __iter__(self) -> Iterator[T]:
        for entity_id, entity in self.entities.items():
            self._touch(entity_id, entity)
            self.settle(entity)
            yield entity

    def add(self, entity_id: str, entity: T) -> T:
        old = self.entities.get(entity_id)
        self._touch(entity_id, old)
        self._put(entity_id, entity, old)
        return entity

    def _put(self, entity_id: str, entity: T, old: T | None) -> None:
        self.entities[entity_id] = entity
        for index in self.indexes.values():
            index.put(entity_id, old, entity)

    def remove(self, entity_id: str) -> T | None:
        entity = self.entities.pop(entity_id, None)
        if entity is not None:
            for index in self.indexes.values():
                index.remove(entity_id, entity)
        return entity

    def take_back(self) -> None:
        """Every change since the undo record was opened, undone; the record stays open."""
        for entity_id, before in (self.undo or {}).items():
            if before is _ABSENT:
                self.remove(entity_id)
                continue
            if type(before) is _Copied:
                current = self.entities.get(entity_id)
                shared = self.entities.disown(entity_id)  # type: ignore[attr-defined]
                if current is not before.copy:  # replaced or deleted by the call: its indexes follow
                    for index in self.indexes.values():
                        if current is not None:
                            index.remove(entity_id, current)
                        index.put(entity_id, None, shared)
                continue
            entity, values = before
            current = self.entities.get(entity_id)
            for name, value in values.items():
                object.__setattr__(entity, name, value)
            if current is entity:
                self.entities[entity_id] = entity
            else:  # replaced (or deleted) by the call: the original goes back, in the indexes too
                self._put(entity_id, entity, current)
        if self.undo:
            self.undo = {}


class Undo:
    """A call's changes to a tenant's entities, taken back if its answer fails (5xx): no failed answer
    leaves a change behind. Costs one copy of an entity's top-level fields for each entity the call
    touches, only for calls that may write; reads never open one."""

    def __init__(self, backends: Iterable[Any]) -> None:
        self._collections: list[Collection[Any]] = []
        for backend in backends:
            for collection in getattr(backend, "collections", {}).values():
                collection.undo = {}
                self._collections.append(collection)

    def take_back(self) -> None:
        for collection in self._collections:
            collection.take_back()

    def close(self) -> None:
        for collection in self._collections:
            collection.undo = None


class Store:
    """The control plane's view of one backend; a backend names its collections in `self.collections`."""

    collections: dict[str, Collection[Any]]

    def load(self, fixtures: dict[str, Any] | None) -> set[str]:
        """The fixtures' entities, built. A collection given as SharedEntities (fixtures built once, at
        start) becomes an Overlay of them, and only its clocked entities are built here, on this
        tenant's clock. The ids built here are returned (for a backend that folds other fixture parts
        into them); `fixture_fields` keeps the fields of those the clock moves (to share the rest)."""
        seen: dict[str, str] = {}
        built: set[str] = set()
        for name, collection in self.collections.items():
            given_all = (fixtures or {}).get(name, ())
            if isinstance(given_all, SharedEntities):
                collection.entities = Overlay(given_all)
                collection.indexes = {name: index.view(given_all.ids) if isinstance(index, Grouped) else index.view()
                                      for name, index in given_all.indexes.items()}
                pairs: Iterable[tuple[str, dict[str, Any]]] = given_all.clocked.items()
            else:
                pairs = ((str(given["id"]), share_strings(given, seen)) for given in given_all)
            for entity_id, given in pairs:
                entity = collection.add(entity_id, collection.build(entity_id, given))
                built.add(entity_id)
                if collection.moves(entity):
                    collection.fixture_fields[entity_id] = given
        return built

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [c.render(e) for e in c] for name, c in self.collections.items()}

    def dump_pieces(self) -> Iterator[bytes]:
        """`dump()` as JSON, made an entity at a time (for the edge to stream, letting other requests run
        between entities). Each entity is brought up to the clock and rendered when it is reached; one
        added meanwhile may be left out, none is ever half-written."""
        yield b"{"
        for index, (name, collection) in enumerate(self.collections.items()):
            yield b"%s%s:[" % (b"," if index else b"", orjson.dumps(name))
            first = True
            for entity_id in list(collection.entities):  # ids as they are now: the dict may grow meanwhile
                entity = collection.get(entity_id)
                if entity is not None:
                    yield (b"" if first else b",") + orjson.dumps(collection.render(entity))
                    first = False
            yield b"]"
        yield b"}"

    def get_entity(self, collection: str, entity_id: str) -> dict[str, Any] | None:
        chosen = self.collections[collection]
        entity = chosen.get(entity_id)
        return None if entity is None else chosen.render(entity)

    def list_entities(self, collection: str, offset: int, limit: int,
                      newest_first: bool = False) -> tuple[list[dict[str, Any]], int]:
        """A page of the collection in the order its entities were added, or the reverse (only the page is
        settled and rendered: a dict iterates both ways without a copy), and how many there are."""
        chosen = self.collections[collection]
        if isinstance(chosen.entities, Overlay):  # its own walk would be Python's: skips at C speed instead
            page = chosen.entities.page(offset, limit, newest_first)
        else:
            entities = reversed(chosen.entities.values()) if newest_first else iter(chosen.entities.values())
            page = list(itertools.islice(entities, offset, offset + limit))
        for entity in page:
            chosen.settle(entity)
        return [chosen.render(entity) for entity in page], len(chosen.entities)

    def status_counts(self, collection: str) -> dict[str, int]:
        """How many entities sit in each status, each brought up to the clock first (every entity is
        settled and rendered: the status some providers show is worked out from the clock at rendering)."""
        chosen = self.collections[collection]
        counts: dict[str, int] = {}
        for entity in list(chosen.entities.values()):
            chosen.settle(entity)
            status = str(chosen.render(entity).get("status"))
            counts[status] = counts.get(status, 0) + 1
        return counts

    def delete_entity(self, collection: str, entity_id: str) -> bool:
        return self.collections[collection].remove(entity_id) is not None

    def put_entity(self, collection: str, entity_id: str, fields: dict[str, Any], check: Check) -> dict[str, Any]:
        """Create or replace; nothing is stored unless the rendered entity passes `check` (its contract)."""
        chosen = self.collections[collection]
        try:
            entity = chosen.build(entity_id, fields)
            rendered = chosen.render(entity)
        except (KeyError, TypeError, ValueError) as error:
            raise EntityRejected([f"unusable fields: {error}"]) from None
        reasons = check(rendered)
        if reasons:
            raise EntityRejected(reasons)
        chosen.add(entity_id, entity)
        chosen.settle(entity)
        return chosen.render(entity)
