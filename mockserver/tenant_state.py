"""What of a tenant `--state-file` keeps, and the only types a stored tenant may contain. A backend's state
is its attributes, a collection by its entities; what a backend builds for itself (its environment, its
collections' rules) is rebuilt, never stored. Each backend class names the classes its entities are made
of in `stored_types` (and any function a stored `functools.partial` calls)."""

from typing import Any

from mockserver.api import Backend, Provider
from mockserver.clock import Clock
from mockserver.codec import Codec
from mockserver.delivery import Delivery
from mockserver.faults import Fault, Faults
from mockserver.journal import Entry, Journal
from mockserver.overlay import Overlay
from mockserver.store import Collection

CORE_TYPES = (Clock, Journal, Entry, Faults, Fault, Delivery)
_REBUILT = frozenset({"env", "collections"})  # made by the backend's constructor


def state_codec(providers: dict[str, Provider]) -> Codec:
    return Codec([*CORE_TYPES, *(t for p in providers.values() for t in getattr(p.backend, "stored_types", ()))])


def backend_state(backend: Backend) -> dict[str, Any]:
    return {name: _entities(value) if isinstance(value, Collection) else value
            for name, value in vars(backend).items() if name not in _REBUILT}


def _entities(collection: Collection[Any]) -> dict[str, Any]:
    """Every entity, the shared fixture ones included: a stored tenant does not depend on the fixtures."""
    entities = collection.entities
    return entities.as_dict() if isinstance(entities, Overlay) else entities


def restore_backend(backend: Backend, state: Any) -> None:
    """Put a stored state into a backend built empty; ValueError if it names what the backend lacks."""
    if not isinstance(state, dict):
        raise ValueError("a backend's state must be a mapping")
    own = vars(backend)
    for name, value in state.items():
        if name in _REBUILT or name not in own:
            raise ValueError(f"{type(backend).__name__} has no stored attribute {name!r}")
        if isinstance(own[name], Collection):
            if not isinstance(value, dict):
                raise ValueError(f"{name}: entities must be a mapping")
            own[name].entities = value
            own[name].reindex()
        else:
            own[name] = value
