"""The control plane under /__mock: mock-only features, never mixed into a provider's own paths."""

from typing import Any

from mockserver.api import Api, Provider
from mockserver.contracts import Contract
from mockserver.control.contract import refine
from mockserver.control.routes import ERRORS, PREFIX


def control_api(document: dict[str, Any], providers: dict[str, Provider],
                contracts: dict[str, Contract]) -> tuple[Api, Contract]:
    """The control plane for these providers, and its contract refined from theirs."""
    refined, handlers = refine(document, providers, contracts)
    return Api(id="control", prefix=PREFIX, errors=ERRORS, handlers=handlers), Contract("control", refined)
