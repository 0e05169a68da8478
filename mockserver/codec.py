"""Tenant state as data: live objects written as JSON and read back exactly, for `--state-file`. Plain JSON
values stay as they are; anything else becomes a tagged object, `{"$t": kind, ...}`. An object of a class
is kept as its attributes (the pickle protocol's `__getstate__`/`__setstate__`, so a class that must
rebuild something on load, such as a generator, does so itself), and may only name a class or function of
the allow-list given to the `Codec`: a stored file never makes the server import or call anything by a name
it chose, only build the state types it already has."""

import base64
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

import orjson

TAG = "$t"
_INT64 = range(-(2**63), 2**64)  # what orjson writes as a number; bigger integers go as text


class StateError(ValueError):
    """Stored data this codec cannot read back: corrupt, truncated, or naming something not allowed."""


def _name(thing: Any) -> str:
    return f"{thing.__module__}.{thing.__qualname__}"


def _set_state(obj: Any, state: Any) -> None:
    """What pickle does with a state that a class has no `__setstate__` for."""
    setstate = getattr(obj, "__setstate__", None)
    if setstate is not None:
        setstate(state)
        return
    attributes, slots = state if isinstance(state, tuple) else (state, None)
    for mapping in (attributes, slots):
        if mapping is None:
            continue
        if not isinstance(mapping, dict) or not all(isinstance(key, str) for key in mapping):
            raise StateError(f"{type(obj).__name__}: attributes must be a mapping of names")
        for key, value in mapping.items():
            object.__setattr__(obj, key, value)


class Codec:
    def __init__(self, allowed: Iterable[type | Callable[..., Any]]) -> None:
        self._by_name: dict[str, Any] = {_name(thing): thing for thing in allowed}
        self._names = {thing: name for name, thing in self._by_name.items()}

    def dumps(self, value: Any) -> bytes:
        return orjson.dumps(self.encode(value))

    def loads(self, data: bytes) -> Any:
        try:
            return self.decode(orjson.loads(data))
        except StateError:
            raise
        except (orjson.JSONDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            raise StateError(f"{type(error).__name__}: {error}") from None

    # --- writing ---

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind is str or kind is bool or kind is float or value is None:
            return value
        if kind is int:
            return value if value in _INT64 else {TAG: "int", "text": str(value)}
        if kind is list:
            return [self.encode(item) for item in value]
        if kind is dict:
            if TAG not in value and all(type(key) is str for key in value):
                return {key: self.encode(item) for key, item in value.items()}
            return {TAG: "dict", "items": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if kind is tuple:
            return {TAG: "tuple", "items": [self.encode(item) for item in value]}
        if kind is bytes:
            return {TAG: "bytes", "base64": base64.b64encode(value).decode("ascii")}
        if kind is datetime:
            return {TAG: "datetime", "iso": value.isoformat()}
        if kind is deque:
            return {TAG: "deque", "maxlen": value.maxlen, "items": [self.encode(item) for item in value]}
        if isinstance(value, tuple) and hasattr(kind, "_fields"):  # a named tuple: rebuilt from its items
            return {TAG: "named", "class": self._allowed_name(kind), "items": [self.encode(item) for item in value]}
        if kind is partial:
            return {TAG: "partial", "function": self._allowed_name(value.func),
                    "args": [self.encode(arg) for arg in value.args], "keywords": self.encode(value.keywords)}
        return {TAG: "object", "class": self._allowed_name(kind), "state": self.encode(value.__getstate__())}

    def _allowed_name(self, thing: Any) -> str:
        name = self._names.get(thing)
        if name is None:  # a bug in the mock: a state type nobody listed (see Codec's allow-list)
            raise TypeError(f"{_name(thing)} is not an allowed state type")
        return name

    # --- reading ---

    def decode(self, data: Any) -> Any:
        kind = type(data)
        if kind is list:
            return [self.decode(item) for item in data]
        if kind is not dict:
            return data
        tag = data.get(TAG)
        if tag is None:
            return {key: self.decode(item) for key, item in data.items()}
        if tag == "int":
            return int(data["text"])
        if tag == "dict":
            return {self.decode(key): self.decode(item) for key, item in data["items"]}
        if tag == "tuple":
            return tuple(self.decode(item) for item in data["items"])
        if tag == "bytes":
            return base64.b64decode(data["base64"], validate=True)
        if tag == "datetime":
            return datetime.fromisoformat(data["iso"])
        if tag == "deque":
            return deque((self.decode(item) for item in data["items"]), maxlen=data["maxlen"])
        if tag == "named":
            cls = self._allowed(data["class"])
            if not (isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")):
                raise StateError(f"{data['class']} is not a named tuple")
            return cls(*self.decode(data["items"]))
        if tag == "partial":
            function = self._allowed(data["function"])
            if isinstance(function, type):
                raise StateError(f"{data['function']} is not a function")
            return partial(function, *self.decode(data["args"]), **self.decode(data["keywords"]))
        if tag == "object":
            cls = self._allowed(data["class"])
            if not isinstance(cls, type):
                raise StateError(f"{data['class']} is not a class")
            obj = cls.__new__(cls)
            _set_state(obj, self.decode(data["state"]))
            return obj
        raise StateError(f"unknown tag {tag!r}")

    def _allowed(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self._by_name:
            raise StateError(f"{name!r} is not an allowed state type")
        return self._by_name[name]
