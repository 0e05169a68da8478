"""Everything one app instance holds at run time, built once by `create_app`: no module-level state, so
tests can build as many isolated apps as they like."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mockserver import contracts
from mockserver.api import Api, Provider
from mockserver.contracts import Contract
from mockserver.control import control_api
from mockserver.fixtures import FixtureTemplate
from mockserver.persistence import StateFile
from mockserver.settings import Settings
from mockserver.tenancy import Tenants

log = logging.getLogger("mockserver")


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
    def __init__(self, settings: Settings, providers: list[Provider]) -> None:
        self.settings = settings
        self.providers = {p.id: p for p in providers}
        self.contracts: dict[str, Contract] = {p.id: contracts.load(settings.contracts_dir, p.id) for p in providers}
        control, self.contracts["control"] = control_api(
            contracts.read_document(settings.contracts_dir, "control"), self.providers, self.contracts)
        self.apis: list[Api] = [*providers, control]
        for api in self.apis:
            contracts.check_handlers(self.contracts[api.id], api.handlers)
        self.state_file = StateFile(settings.state_file, settings) if settings.state_file else None
        self.tenants = Tenants(settings, self.providers, _read_fixtures(settings.fixtures_dir, self.providers),
                               self.state_file)
        self.violations = Violations()
        # Bearer tokens handed out by a provider's own login operation: accepted like --token ones.
        self.issued_tokens: set[str] = self.state_file.issued_tokens() if self.state_file else set()
        # (api id, operationId, status) -> how many answers: which documented outcomes were ever produced.
        self.answered: Counter[tuple[str, str, int]] = Counter()

    def accepts(self, token: str | None) -> bool:
        return token is not None and (self.settings.accepts(token) or token in self.issued_tokens)

    def issue_token(self, token: str) -> str:
        """A provider's login hands this token out; from now on it is accepted, and names its tenant."""
        if token not in self.issued_tokens:
            self.issued_tokens.add(token)
            if self.state_file is not None:
                self.state_file.add_issued_token(token)
        return token
