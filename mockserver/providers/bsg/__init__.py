"""BSG RCS: login, RCS campaigns to contact groups (create, get, list, stop, renew), moderated and sent by
the tenant's clock. Read top to bottom: rules.py (states, transitions, assumptions), models.py (state),
routes.py (operations), errors.py."""

from mockserver.api import Provider
from mockserver.providers.bsg.errors import ERRORS
from mockserver.providers.bsg.models import BsgBackend
from mockserver.providers.bsg.routes import HANDLERS

PROVIDER = Provider(
    id="bsg",
    prefix="/bsg",
    title="BSG RCS",
    errors=ERRORS,
    handlers=HANDLERS,
    backend=BsgBackend,
    collections={"campaigns": "#/components/schemas/Campaign"},
)
