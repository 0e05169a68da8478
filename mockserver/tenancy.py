"""The token is the tenant: each distinct bearer token owns its own clock, random stream, backends (and,
journal and faults). A new tenant starts from the fixtures. Tenants are bounded: past
`max_tenants` the least recently used one is forgotten, so a client inventing tokens cannot exhaust
memory."""

import hashlib
import logging
import random
from collections import OrderedDict
from typing import Any

from mockserver.api import Backend, Environment, Provider
from mockserver.clock import Clock
from mockserver.faults import Faults
from mockserver.fixtures import FixtureTemplate
from mockserver.journal import Journal
from mockserver.persistence import StateFile, StoredStateError
from mockserver.read_cache import ReadCache
from mockserver.settings import Settings
from mockserver.tenant_state import backend_state, restore_backend

log = logging.getLogger("mockserver")


class Tenant:
    def __init__(self, token: str, settings: Settings, providers: dict[str, Provider],
                 fixtures: dict[str, FixtureTemplate]) -> None:
        self.token = token
        self._settings = settings
        self._providers = providers
        self._fixtures = fixtures
        self.clock = Clock()
        self.backends: dict[str, Backend] = {}
        # Why every call but a reset is refused: its stored state could not be read. None: it is usable.
        self.unreadable: str | None = None
        self.reset(with_fixtures=True)

    def _random(self) -> random.Random:
        if self._settings.seed is None:
            return random.Random()
        digest = hashlib.sha256(f"{self._settings.seed}:{self.token}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def _fixture(self, provider_id: str) -> dict[str, Any] | None:
        template = self._fixtures.get(provider_id)
        return template.fresh() if template is not None else None

    def snapshot(self) -> dict[str, Any]:
        """Everything that is this tenant's state (what --state-file keeps)."""
        return {"clock": self.clock, "random": self._env.random.getstate(), "journal": self.journal,
                "faults": self.faults,
                "backends": {pid: backend_state(backend) for pid, backend in self.backends.items()}}

    def restore(self, state: Any) -> None:
        """Back to a snapshot; ValueError or TypeError, and nothing changed, if it is not one."""
        clock, journal, faults = state["clock"], state["journal"], state["faults"]
        if not (isinstance(clock, Clock) and isinstance(journal, Journal) and isinstance(faults, Faults)):
            raise ValueError("clock, journal or faults of the wrong type")
        stream = random.Random()
        stream.setstate(state["random"])
        env = Environment(clock, stream, self._settings)
        stored = state["backends"]
        backends = {}
        for pid, provider in self._providers.items():
            # A provider added since the tenant was stored starts from its fixtures.
            backends[pid] = provider.backend(env, None if pid in stored else self._fixture(pid))
            if pid in stored:
                restore_backend(backends[pid], stored[pid])
        self.clock, self.journal, self.faults, self._env, self.backends = clock, journal, faults, env, backends
        self.reads = ReadCache()
        self.unreadable = None

    def reset(self, with_fixtures: bool = True) -> None:
        self.clock = Clock()
        self.journal = Journal(self._settings.journal_size)
        self.faults = Faults()
        self._env = Environment(self.clock, self._random(), self._settings)
        self.backends = {
            pid: provider.backend(self._env, self._fixture(pid) if with_fixtures else None)
            for pid, provider in self._providers.items()
        }
        self.reads = ReadCache()  # answers to reads kept meanwhile (mockserver.read_cache)
        self.unreadable = None


class Tenants:
    """The live tenants, one object per token at any moment. A tenant is pinned while a request holds it
    (`acquire` .. `release`): eviction passes it by, so a request that awaits (its body, a delay fault)
    never writes into a copy that a later request no longer sees. The cap can be exceeded by the tenants
    in flight, and is restored as they are released."""

    def __init__(self, settings: Settings, providers: dict[str, Provider],
                 fixtures: dict[str, FixtureTemplate], state_file: StateFile | None = None) -> None:
        self._state_file = state_file
        self._settings = settings
        self._providers = providers
        self._fixtures = fixtures
        self._tenants: OrderedDict[str, Tenant] = OrderedDict()
        self._pins: dict[str, int] = {}  # token -> requests holding its tenant (none: absent)

    def get(self, token: str) -> Tenant:
        tenant = self._tenants.get(token)
        if tenant is None:
            tenant = Tenant(token, self._settings, self._providers, self._fixtures)
            if self._state_file is not None:
                self._load(tenant)
            self._tenants[token] = tenant
            self._evict()
        else:
            self._tenants.move_to_end(token)
        return tenant

    def _load(self, tenant: Tenant) -> None:
        """The tenant's stored state, if it has one. An unreadable one leaves the tenant refusing every
        call but a reset (which replaces the row) rather than starting afresh over the stored data."""
        try:
            stored = self._state_file.load(tenant.token)
            if stored is not None:
                tenant.restore(stored)
        except (StoredStateError, ValueError, TypeError, KeyError, AttributeError) as error:
            reason = f"{type(error).__name__}: {error}"[:300]
            tenant.unreadable = (f"The stored state of this tenant is unreadable ({reason}); POST /__mock/reset "
                                 "with this token to start it afresh.")
            log.error("tenant %s: stored state unreadable (%s); POST /__mock/reset with that token to start it "
                      "afresh", hashlib.sha256(tenant.token.encode()).hexdigest()[:12], reason)

    def acquire(self, token: str) -> Tenant:
        """The token's tenant, pinned until `release`."""
        pins = self._pins
        pins[token] = pins.get(token, 0) + 1
        try:
            return self.get(token)
        except BaseException:
            self.release(token)
            raise

    def release(self, token: str) -> None:
        held = self._pins[token] - 1
        if held > 0:
            self._pins[token] = held
            return
        del self._pins[token]
        if len(self._tenants) > self._settings.max_tenants:
            self._evict()

    def _evict(self) -> None:
        """Forget the least recently used tenants nobody holds, down to the cap."""
        excess = len(self._tenants) - self._settings.max_tenants
        if excess <= 0:
            return
        victims = []
        for token in self._tenants:  # oldest first; only the pinned ones are passed by
            if len(victims) == excess:
                break
            if token not in self._pins:
                victims.append(token)
        for token in victims:
            del self._tenants[token]

    def save(self, tenant: Tenant) -> None:
        """Make the tenant's state durable (a no-op without --state-file)."""
        if self._state_file is not None:
            self._state_file.save(tenant.token, tenant.snapshot())

    def __len__(self) -> int:
        return len(self._tenants)
