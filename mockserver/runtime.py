"""Everything one app instance holds at run time, built once by `create_app`: no module-level state, so
tests can build as many isolated apps as they like."""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mockserver import contracts
from mockserver.api import Api, Provider
from mockserver.callbacks import Dispatcher
from mockserver.contracts import Contract
from mockserver.coverage import Catalogue, CoverageBook
from mockserver.fixture_check import check_fixtures
from mockserver.fixtures import FixtureTemplate
from mockserver.persistence import StateFile
from mockserver.proxy.drift import DriftReport
from mockserver.read_cache import Generation
from mockserver.settings import Settings
from mockserver.tenancy import Tenants
from mockserver.tenant_state import state_codec

log = logging.getLogger("mockserver")

# Builds the control plane for these providers and their contracts: its API and its contract. Handed in by
# the app (mockserver.control.control_api), so the runtime, which the control plane's handlers act on,
# does not import them.
ControlPlane = Callable[[dict[str, Provider], dict[str, Contract]], tuple[Api, Contract]]


@dataclass
class Violations:
    """Responses that broke their contract: bugs in the mock, counted per operation."""

    counts: Counter[str] = field(default_factory=Counter)

    def record(self, api_id: str, operation_id: str, status: int, reasons: list[str]) -> None:
        self.counts[f"{api_id}.{operation_id}"] += 1
        log.error("contract violation: %s %s answered %s: %s", api_id, operation_id, status, "; ".join(reasons))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _read_fixtures(folder: Path | None, providers: dict[str, Provider]) -> dict[str, FixtureTemplate]:
    if folder is None:
        return {}
    return {pid: FixtureTemplate(folder / f"{pid}.json")
            for pid in providers if (folder / f"{pid}.json").is_file()}


class Runtime:
    def __init__(self, settings: Settings, providers: list[Provider], control_plane: ControlPlane) -> None:
        self.settings = settings
        self.providers = {p.id: p for p in providers}
        self.contracts: dict[str, Contract] = {p.id: contracts.load(settings.contracts_dir, p.id) for p in providers}
        control, self.contracts["control"] = control_plane(self.providers, self.contracts)
        self.apis: list[Api] = [*providers, control]
        for api in self.apis:
            contracts.check_handlers(self.contracts[api.id], api.handlers)
        self.state_file = (StateFile(settings.state_file, state_codec(self.providers)) if settings.state_file
                           else None)
        fixtures = _read_fixtures(settings.fixtures_dir, self.providers)
        check_fixtures(self.providers, fixtures, self.contracts, settings)  # refuse to start half-working
        self.tenants = Tenants(settings, self.providers, fixtures, self.state_file)
        self.violations = Violations()
        self.callbacks = Dispatcher(settings.callback_hosts)  # outbound callbacks (webhooks) of every provider
        # What proxied providers' real answers did not keep of their contracts (docs/proxy.md).
        self.drift = DriftReport()
        # Bearer tokens a provider's own login hands out are verified by that provider, never stored.
        self._token_verifiers = [p.verify_token for p in providers if p.verify_token is not None]
        # (api id, operationId, status) -> how many answers: which documented outcomes were ever produced.
        self.answered: Counter[tuple[str, str, int]] = Counter()
        # api id -> calls refused for their token: no tenant journals them, so they are counted here (health).
        self.unauthenticated: Counter[str] = Counter()
        # Which documented outcomes and transitions were exercised, per tenant and in all (GET /__mock/coverage).
        self.coverage = CoverageBook(settings.max_tenants)
        # Moved by every call that may change a tenant: the answers kept of reads are of one generation.
        self.generation = Generation()
        self.catalogue = Catalogue.of(providers, self.contracts)

    def accepts(self, token: str | None) -> bool:
        return token is not None and (self.settings.accepts(token)
                                      or any(verify(token, self.settings) for verify in self._token_verifiers))
