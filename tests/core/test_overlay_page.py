"""A page of a tenant's collection over shared fixtures (Overlay.page, what GET /__mock/{provider}/
{collection} answers) is the slice of the collection in its order (or the reverse), whatever the tenant
added, replaced or deleted: the model is the walk over every entity, which page skips at C speed."""

from itertools import islice

from hypothesis import given
from hypothesis import strategies as st

from mockserver.overlay import Overlay, SharedEntities

FIXTURE_IDS = [f"f{i}" for i in range(8)]


def _overlay() -> Overlay:
    return Overlay(SharedEntities(FIXTURE_IDS, {i: ("shared", i) for i in FIXTURE_IDS}, {}))


writes = st.lists(st.tuples(st.sampled_from(["add", "replace", "delete"]),
                            st.sampled_from(FIXTURE_IDS + ["n1", "n2", "n3"])), max_size=12)


@given(writes, st.integers(0, 14), st.integers(1, 6), st.booleans())
def test_a_page_is_the_slice_of_the_walk(steps, offset, limit, newest_first):
    overlay = _overlay()
    for kind, entity_id in steps:
        if kind == "delete":
            overlay.pop(entity_id, None)
        else:
            overlay[entity_id] = (kind, entity_id)
    values = reversed(overlay.values()) if newest_first else iter(overlay.values())
    assert overlay.page(offset, limit, newest_first) == list(islice(values, offset, offset + limit))
