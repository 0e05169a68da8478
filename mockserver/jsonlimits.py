"""How deep a JSON document may nest. orjson reads up to 1,024 levels but writes only up to 254, so a
body that parses could not be echoed back (from a stored field, or the journal): the edge refuses
anything deeper than `MAX_DEPTH` first, with the provider's validation error."""

from typing import Any

MAX_DEPTH = 64


def may_be_too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """A body cannot nest deeper than it has brackets: most bodies are ruled out by a count in C."""
    return raw.count(b"[") + raw.count(b"{") > limit


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
