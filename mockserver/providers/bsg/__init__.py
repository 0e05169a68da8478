"""BSG RCS: login, RCS campaigns to contact groups (create, get, list, stop, renew), moderated and sent by
the tenant's clock. Read top to bottom: rules.py (states, transitions, assumptions), models.py (state),
routes.py (operations), errors.py."""

from mockserver.api import Provider
from mockserver.providers.bsg import rules
from mockserver.providers.bsg.errors import ERRORS
from mockserver.providers.bsg.models import BsgBackend
from mockserver.providers.bsg.routes import HANDLERS, verify_bearer
from mockserver.providers.bsg.settings import SETTINGS

PROVIDER = Provider(
    id="bsg",
    prefix="/bsg",
    title="BSG RCS",
    errors=ERRORS,
    handlers=HANDLERS,
    machines={"campaigns": rules.CAMPAIGN},
    backend=BsgBackend,
    collections={"campaigns": "#/components/schemas/Campaign"},
    records={op: ("campaigns", "/data") for op in (
        "createRcsCampaign", "sendRcsCampaign", "sendMultichannelCampaign", "getCampaign", "listCampaigns", "stopCampaign", "stopCampaignPatch",
        "renewCampaign")},
    verify_token=verify_bearer,
    settings=SETTINGS,
)
