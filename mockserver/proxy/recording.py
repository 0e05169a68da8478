"""Recording: the entities real 2xx answers reveal, written as fixtures (`<dir>/<provider>.json`) so a
plain mock can start from the real provider's data. Which answer carries which collection's entity is the
provider's own declaration (`Provider.records`). An entity is written only if the mock itself would
take it: it keeps its collection's contract schema, and the provider's backend builds it and renders it
within that schema (the control plane's PUT check). Files are merged by id, read-modify-write, and
replaced atomically, so a crash never leaves half a file."""

import asyncio
import logging
import os
import random
import threading
from pathlib import Path
from typing import Any

import orjson

from mockserver.api import EntityRejected, Environment, Provider
from mockserver.clock import Clock
from mockserver.contracts import Contract
from mockserver.proxy.redact import redacted
from mockserver.settings import Settings

log = logging.getLogger("mockserver.proxy")


def pointed(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901), or None if there is none."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else ():
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class Recorder:
    def __init__(self, folder: Path, providers: dict[str, Provider], contracts: dict[str, Contract],
                 settings: Settings) -> None:
        self.folder = folder
        self._providers, self._contracts, self._settings = providers, contracts, settings
        self._lock = threading.Lock()  # one read-modify-write at a time (they run in worker threads)

    def wants(self, provider_id: str, operation_id: str | None) -> bool:
        return operation_id is not None and operation_id in self._providers[provider_id].records

    async def record(self, provider_id: str, operation_id: str, answer: Any) -> None:
        collection, pointer = self._providers[provider_id].records[operation_id]
        found = pointed(answer, pointer)
        entities = found if isinstance(found, list) else [] if found is None else [found]
        if entities:
            await asyncio.to_thread(self._merge, provider_id, collection, entities)

    def _problems(self, provider: Provider, backend: Any, collection: str, entity: Any) -> list[str]:
        """Why the mock would not take this entity (empty: it would)."""
        if not isinstance(entity, dict) or "id" not in entity:
            return ["not an object with an id"]
        schema = self._contracts[provider.id].schema(provider.collections[collection])
        if not schema.is_valid(entity):
            return [f"{p.field or 'entity'}: {p.message}" for p in schema.problems(entity)]

        def renders_valid(rendered: dict[str, Any]) -> list[str]:
            return [f"as the mock renders it, {p.field or 'entity'}: {p.message}" for p in schema.problems(rendered)]

        try:
            backend.put_entity(collection, str(entity["id"]), entity, renders_valid)
        except EntityRejected as rejected:
            return rejected.reasons
        except Exception as error:  # noqa: BLE001 (whatever the backend cannot build is not recorded)
            return [f"the mock cannot build it: {type(error).__name__}: {error}"]
        return []

    def _merge(self, provider_id: str, collection: str, entities: list[Any]) -> None:
        provider = self._providers[provider_id]
        path = self.folder / f"{provider_id}.json"
        with self._lock:
            try:
                data = orjson.loads(path.read_bytes()) if path.exists() else {}
            except (OSError, orjson.JSONDecodeError) as error:
                log.error("recording: %s is unreadable (%s); nothing recorded into it", path, error)
                return
            if not isinstance(data, dict) or not isinstance(data.get(collection, []), list):
                log.error("recording: %s is not a fixtures file; nothing recorded into it", path)
                return
            # Checked against what the file shares with every entity (groups, segments), as start-up will.
            shared = {key: value for key, value in data.items() if key not in provider.collections}
            backend = provider.backend(Environment(Clock(), random.Random(0), self._settings), shared)
            kept: list[dict[str, Any]] = data.setdefault(collection, [])
            where = {str(item.get("id")): index for index, item in enumerate(kept) if isinstance(item, dict)}
            changed = False
            for entity in entities:
                entity = redacted(entity)  # never a credential in a fixture file
                problems = self._problems(provider, backend, collection, entity)
                entity_id = entity.get("id") if isinstance(entity, dict) else None
                if problems:
                    log.warning("recording: skipped %s %s %r: %s", provider_id, collection, entity_id,
                                "; ".join(problems))
                    continue
                if str(entity_id) in where:
                    kept[where[str(entity_id)]] = entity
                else:
                    where[str(entity_id)] = len(kept)
                    kept.append(entity)
                changed = True
            if changed:
                self._write(path, data)

    @staticmethod
    def _write(path: Path, data: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with temporary.open("wb") as out:
                out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
