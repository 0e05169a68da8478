"""The control plane under /__mock: mock-only features, never mixed into a provider's own paths."""

from mockserver.api import Api
from mockserver.control.routes import ERRORS, HANDLERS

CONTROL = Api(
    id="control",
    prefix="/__mock",
    errors=ERRORS,
    handlers=HANDLERS,
)
