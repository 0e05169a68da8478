"""A tenant's first write to a shared fixture entity copies it (mockserver.overlay.entity_copy, a faster
copy.deepcopy): the copy must equal the original and share nothing mutable with it, objects shared inside
the entity must stay shared in the copy, and a change to the copy must leave the original alone, for every
fixture entity of every provider (the shipped fixtures, as start-up built them)."""

import copy
from dataclasses import dataclass, field

from mockserver.overlay import entity_copy
from tests.support import make_app

RUNTIME = make_app().state.runtime


def _mutables(value, seen=None):
    """id -> object of every mutable object reachable from value (dataclass instances, dicts, lists)."""
    seen = {} if seen is None else seen
    if isinstance(value, (dict, list)) or hasattr(value, "__dataclass_fields__"):
        if id(value) in seen:
            return seen
        seen[id(value)] = value
    if isinstance(value, dict):
        for item in value.values():
            _mutables(item, seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _mutables(item, seen)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _mutables(getattr(value, name), seen)
    return seen


def _shared_entities():
    for provider_id, template in RUNTIME.tenants._fixtures.items():
        for name, entities in template.shared.items():
            for entity_id, entity in entities.static.items():
                yield f"{provider_id}/{name}/{entity_id}", entity


def test_every_shared_fixture_entity_copies_as_deepcopy_would():
    checked = 0
    for where, entity in _shared_entities():
        copied = entity_copy(entity)
        assert copied == copy.deepcopy(entity), where
        assert not set(_mutables(copied)) & set(_mutables(entity)), f"{where}: shares a mutable object"
        checked += 1
    assert checked > 10  # the shipped fixtures share many entities


@dataclass(slots=True)
class Inner:
    counts: list[int]


@dataclass(slots=True)
class Entity:
    name: str
    meta: dict
    inner: Inner
    pair: tuple
    alias: dict = field(default_factory=dict)


def test_objects_shared_inside_an_entity_stay_shared_and_the_original_is_untouched():
    meta = {"steps": [1, 2], "nested": {"a": [3]}}
    original = Entity("x", meta, Inner([0]), (1, [2]), alias=meta)
    copied = entity_copy(original)
    assert copied == original
    assert copied.alias is copied.meta and copied.meta is not meta
    copied.meta["nested"]["a"].append(4)
    copied.inner.counts.append(1)
    copied.pair[1].append(9)
    assert original == Entity("x", {"steps": [1, 2], "nested": {"a": [3]}}, Inner([0]), (1, [2]),
                              alias=original.meta)


@dataclass(frozen=True, slots=True)
class Frozen:
    at: int
    parts: list


def test_a_frozen_dataclass_inside_an_entity_is_copied_too():
    original = Entity("y", {}, Inner([1]), (Frozen(1, [2]),))
    copied = entity_copy(original)
    assert copied == original and copied.pair[0] is not original.pair[0]
    copied.pair[0].parts.append(3)
    assert original.pair[0].parts == [2]
