"""A call that fails takes back its changes (store.Undo). For a shared fixture entity the call copied into
its tenant (mockserver.overlay), taking back drops the copy instead of restoring saved fields: whatever the
call did to it (changed it in place, replaced it, deleted it, deleted and added it again), the tenant's
collection, its order, its size and its indexes are as before the call, and the entity is the shared one."""

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from mockserver.indexes import Where
from mockserver.overlay import Overlay, SharedEntities
from mockserver.store import Collection, Undo


@dataclass(slots=True)
class Item:
    id: str
    kind: str
    tags: list


IDS = [f"f{i}" for i in range(5)]


def _collection() -> Collection:
    collection = Collection(lambda entity_id, given: Item(entity_id, **given), lambda item: {"id": item.id},
                            index_keys={"kind": lambda item: (item.kind,), "red": Where(lambda item: item.kind == "red")})
    static = {i: Item(i, "red" if n % 2 else "blue", [n]) for n, i in enumerate(IDS)}
    shared_indexes = {name: index for name, index in collection.indexes.items()}
    for entity_id, item in static.items():
        for index in shared_indexes.values():
            index.put(entity_id, None, item)
    collection.entities = Overlay(SharedEntities(IDS, static, {}, shared_indexes))
    collection.indexes = {name: index.view() for name, index in shared_indexes.items()}
    return collection


def _state(collection):
    indexes = {name: (list(index.pairs) if hasattr(index, "pairs") else sorted(index.ids))
               for name, index in collection.indexes.items()}
    return list(collection.entities.items()), len(collection.entities), indexes


class Holder:
    collections = {}


ops = st.lists(st.tuples(st.sampled_from(["change", "replace", "delete", "add"]), st.sampled_from(IDS + ["n1"])),
               min_size=1, max_size=6)


@given(ops)
def test_a_failed_call_leaves_the_shared_entities_as_they_were(steps):
    collection = _collection()
    before = _state(collection)
    shared = dict(collection.entities.items())
    holder = Holder()
    holder.collections = {"items": collection}
    undo = Undo([holder])
    for kind, entity_id in steps:
        if kind == "change":
            item = collection.get(entity_id)
            if item is not None:
                item.tags.append(99)  # in place (a key changes only by replacing: Collection.index_keys)
        elif kind == "replace" or kind == "add":
            collection.get(entity_id)
            collection.add(entity_id, Item(entity_id, "red", []))
        else:
            collection.get(entity_id)
            collection.remove(entity_id)
    undo.take_back()
    undo.close()
    assert _state(collection) == before
    assert all(collection.entities.get(i) is shared[i] for i in IDS)
    assert all(item.tags == [n] for n, item in enumerate(shared[i] for i in IDS))
