"""The contracts' "uuid" format (contracts._is_uuid, asked for every id of every answer) is a regular
expression; it must give the verdict of the rule it replaced: the text is a UUID in its canonical
36-character form, in any case (uuid.UUID parses it and writes it back the same, but for case)."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from mockserver.contracts import _is_uuid


def canonical(value: str) -> bool:
    try:
        return len(value) == 36 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


near = st.text(alphabet="0123456789abcdefABCDEFg-{}_: \n", min_size=30, max_size=40)
shaped = st.uuids().map(str).flatmap(lambda u: st.sampled_from([
    u, u.upper(), u + "\n", " " + u[1:], "{" + u[1:-1] + "}", u.replace("-", "_"), u[:8] + u[9:] + "-",
    "urn:uuid:" + u, u.replace("-", ""), u[:-1] + "g"]))


@given(st.one_of(near, shaped))
def test_the_format_agrees_with_the_uuid_rule(value):
    assert _is_uuid(value) == canonical(value)
