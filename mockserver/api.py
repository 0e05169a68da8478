"""What an API surface is made of, for the shared edge to serve it: a contract (by id), an error shape,
and one handler per operationId. A provider adds its backend (state and rules, no HTTP); the control
plane is an API without one. The bottom of the package: it names nothing that serves, holds or routes
(handlers take a mockserver.call.Call, which does)."""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.clock import Clock
from mockserver.errors import ErrorShape
from mockserver.settings import Settings

if TYPE_CHECKING:
    from mockserver.statemachine import StateMachine


@dataclass(frozen=True)
class Text:
    """A handler's answer that is not JSON (e.g. a Markdown report): sent as it is, with its media type."""

    body: str
    media_type: str


Reply = tuple[int, Any]


def _uuid4_text(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)), without building the UUID (a third of the cost): the version
    and variant bits set as uuid does, then the canonical 8-4-4-4-12 text."""
    bits = (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (4 << 76) | (0x8000 << 48)
    text = "%032x" % bits
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass
class Environment:
    """What a backend may use besides its own entities."""

    clock: Clock
    random: random.Random
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()

    def new_uuid(self) -> str:
        """A version-4 UUID from the tenant's random stream (reproducible under --seed)."""
        return _uuid4_text(self.random.getrandbits(128))


class Backend(Protocol):
    """One tenant's state for one provider: the entities and the rules that move them."""

    def dump(self) -> dict[str, list[dict[str, Any]]]: ...
    def get_entity(self, collection: str, entity_id: str) -> dict[str, Any] | None: ...
    def put_entity(self, collection: str, entity_id: str, fields: dict[str, Any],
                   check: Callable[[dict[str, Any]], list[str]]) -> dict[str, Any]: ...


class EntityRejected(Exception):
    """A control-plane PUT whose fields do not make a valid entity."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Api:
    id: str  # also the contract's folder under contracts/
    prefix: str  # where it is mounted
    errors: ErrorShape
    handlers: Mapping[str, Callable[..., Reply]]  # operationId -> its mockserver.call.Handler


@dataclass(frozen=True)
class Provider(Api):
    # Builds a tenant's backend, from the provider's fixtures (None: start empty).
    backend: Callable[[Environment, dict[str, Any] | None], Backend] = field(kw_only=True)
    # collection name -> the contract schema its entities are checked against (a "#/components/..." ref)
    collections: Mapping[str, str] = field(kw_only=True)
    title: str = field(kw_only=True)
    # collection name -> the statuses its entities may be put in through the control plane, for
    # contracts that declare no `<Entity>Fields` schema of their own
    statuses: Mapping[str, tuple[str, ...]] = field(kw_only=True, default_factory=dict)
    # collection name -> the state machine that moves its entities (what coverage counts transitions of)
    machines: Mapping[str, "StateMachine"] = field(kw_only=True, default_factory=dict)
    # Proxy recording (docs/proxy.md): operationId -> (collection, JSON pointer to the entity, or to a list
    # of them, in that operation's 2xx answer): which real answers reveal which collection's entities.
    records: Mapping[str, tuple[str, str]] = field(kw_only=True, default_factory=dict)
    # Bearers the provider's own login hands out carry their proof (a signature), so the runtime asks the
    # provider instead of remembering them: (token, settings) -> whether the provider issued it.
    verify_token: Callable[[str, Settings], bool] | None = field(kw_only=True, default=None)
    # The provider's own settings, per tenant (GET/PUT /__mock/{provider}/settings): name -> a JSON schema
    # with its `default` and `description`. The backend keeps a tenant's values in `tenant_settings`.
    settings: Mapping[str, dict[str, Any]] = field(kw_only=True, default_factory=dict)
