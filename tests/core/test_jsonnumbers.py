"""Integral numbers of a request body become ints wherever they sit (jsonnumbers.integral_as_int, on every
body the edge parses); other floats, numbers past 64 bits, strings and booleans stay as they are."""

import orjson

from mockserver.jsonnumbers import integral_as_int


def test_every_integral_float_of_a_parsed_body_becomes_an_int():
    body = orjson.loads(b'{"a": 200.0, "b": [1.0, 2.5, {"c": -3.0, "d": [4e0]}], "e": "5.0", "f": true,'
                        b' "g": 1e30, "h": 7, "i": null, "j": [[0.0]]}')
    fixed = integral_as_int(body)
    assert fixed == {"a": 200, "b": [1, 2.5, {"c": -3, "d": [4]}], "e": "5.0", "f": True, "g": 1e30, "h": 7,
                     "i": None, "j": [[0]]}
    assert [type(x) for x in (fixed["a"], fixed["b"][0], fixed["b"][2]["c"], fixed["b"][2]["d"][0], fixed["j"][0][0])] == [int] * 5
    assert type(fixed["b"][1]) is float and type(fixed["g"]) is float and fixed["f"] is True
    assert integral_as_int(2.0) == 2 and type(integral_as_int(2.0)) is int
