"""store.Rendered renders a dataclass entity as exactly its fields but the internal ones, in field order,
each the entity's own value (read with one attrgetter call, worked out once per class)."""

from dataclasses import dataclass, field
from typing import ClassVar

from mockserver.store import Rendered


@dataclass(slots=True)
class One(Rendered):
    id: str


@dataclass(slots=True)
class Several(Rendered):
    internal: ClassVar[frozenset[str]] = frozenset({"plan"})
    id: str
    plan: list = field(default_factory=list)
    status: str = "draft"
    tags: dict = field(default_factory=dict)


def test_one_field_and_several_with_an_internal_one():
    assert One("abc").render() == {"id": "abc"}
    tags = {"t": 1}
    rendered = Several("b", [1], "sent", tags).render()
    assert rendered == {"id": "b", "status": "sent", "tags": {"t": 1}} and list(rendered) == ["id", "status", "tags"]
    assert rendered["tags"] is tags
    assert Several("c").render() == {"id": "c", "status": "draft", "tags": {}}


def test_a_field_no_attribute_read_can_name_is_rendered_all_the_same():
    Odd = type("Odd", (Rendered,), {"__slots__": ("__weird", "ok"), "_field_names": ("from", "ok"),
                                     "__getattr__": lambda self, name: f"value of {name}"})
    odd = Odd()
    odd.ok = 1
    assert odd.render() == {"from": "value of from", "ok": 1}
