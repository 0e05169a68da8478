"""JSON has one number type: `200.0` and `200` are the same number, and JSON Schema counts both as an
`integer`. Python's parser makes the first a float, which code checking `isinstance(x, int)` would
refuse and which would be echoed back as `200.0`. So the edge turns every integral number of a request
body into an int, once, for every API, before any handler sees it."""

import re
from typing import Any

# orjson writes integers of at most 64 bits: a larger integral float stays a float (still a JSON integer).
_LOWEST, _HIGHEST = -(2**63), 2**64 - 1
_WALKED = frozenset({float, dict, list})  # a parsed body's types are exactly these (no subclasses)
# In JSON a float is written with a digit right before its "." or exponent: a body without one holds no
# float (a match may be inside a string: then the walk simply finds none).
_FLOAT_MARK = re.compile(rb"[0-9][.eE]")


def may_hold_floats(raw: bytes) -> bool:
    return _FLOAT_MARK.search(raw) is not None


def integral_as_int(value: Any) -> Any:
    """`value` (as the JSON parser made it) with every float that holds a whole number (within 64 bits)
    made an int; dicts and lists are changed in place (a freshly parsed body belongs to the request).
    Types are compared exactly: every body of every write walks through here (~3x an isinstance walk)."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and _LOWEST <= value <= _HIGHEST else value
    if kind is dict:
        for key, item in value.items():
            if type(item) in _WALKED:
                value[key] = integral_as_int(item)
    elif kind is list:
        for index, item in enumerate(value):
            if type(item) in _WALKED:
                value[index] = integral_as_int(item)
    return value
