"""A provider's fixtures, held so that every new tenant gets its own fresh copy cheaply. Each top-level
list (campaigns, sends, groups, ...) is kept as one compressed stream of JSON lines, and a tenant's
backend decodes its items one at a time as it builds: a 100,000-campaign fixture is never parsed whole
per tenant, costs a few MB to hold, and no backend can change another's starting point."""

import ctypes
import gc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

CHUNK = 64 * 1024
RELEASE_ABOVE = 1024 * 1024  # fixture files past this size give their parse heap back to the OS


def exact(data: bytes) -> bytes:
    """A copy that occupies only its length: orjson's output keeps its whole working buffer (about 4 KiB
    even for a 400-byte document), which matters for anything kept by the thousand."""
    return memoryview(data).tobytes()


def release_freed_memory() -> None:
    """Give the heap freed by a one-time whole-fixture parse back to the operating system (glibc keeps
    it otherwise: ~55 MB with 100,000 campaigns). Elsewhere, nothing to do."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class FixtureError(Exception):
    """A fixture file the server cannot start from; the message names the file (and the entity)."""


class FixtureTemplate:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._path: Path | None = path
        self._parts: dict[str, tuple[bool, bytes]] = {}  # key -> (is a list of lines, compressed JSON)
        # Collections built once and shared by every tenant (set by mockserver.fixture_check, which
        # builds and validates them at start): handed out in place of their lines.
        self.shared: dict[str, Any] = {}

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            document = orjson.loads(path.read_bytes())
        except OSError as error:
            raise FixtureError(f"{path}: cannot be read: {error.strerror or error}") from None
        except orjson.JSONDecodeError as error:
            raise FixtureError(f"{path}: not JSON: {error}") from None
        if not isinstance(document, dict):
            raise FixtureError(f"{path}: must be a JSON object of collections, e.g. {{\"campaigns\": [...]}}")
        return document

    def _split(self) -> None:
        if self._path is None:
            return
        large = self._path.stat().st_size > RELEASE_ABOVE
        for key, value in self._read(self._path).items():
            if isinstance(value, list):
                packer = zlib.compressobj(1)
                blob = b"".join([*(packer.compress(orjson.dumps(item) + b"\n") for item in value), packer.flush()])
                self._parts[key] = (True, blob)
            else:
                self._parts[key] = (False, zlib.compress(orjson.dumps(value), 1))
        self._path = None
        if large:  # a full collection costs in proportion to every live object: worth it only for a big parse
            release_freed_memory()

    def fresh(self) -> dict[str, Any]:
        """A new copy; its lists are iterators that decode each item when it is reached, and a shared
        collection is its one SharedEntities (mockserver.overlay)."""
        self._split()
        fresh = {key: _lines(blob) if is_list else orjson.loads(zlib.decompress(blob))
                 for key, (is_list, blob) in self._parts.items() if key not in self.shared}
        return {**fresh, **self.shared}

    def share(self, shared: dict[str, Any]) -> None:
        """From now on, these collections are handed out built (their lines are no longer needed)."""
        self.shared = shared
        for key in shared:
            self._parts.pop(key, None)


def _lines(blob: bytes) -> Iterator[Any]:
    unpacker, pending = zlib.decompressobj(), b""
    for start in range(0, len(blob), CHUNK):
        pending += unpacker.decompress(blob[start:start + CHUNK])
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield orjson.loads(line)
    pending += unpacker.flush()
    for line in pending.split(b"\n"):
        if line:
            yield orjson.loads(line)
