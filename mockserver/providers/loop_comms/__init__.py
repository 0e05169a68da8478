"""Loop Health comms: admin campaigns (create, send, cancel, history). Read top to bottom: rules.py
(states, transitions, assumptions), models.py (state), routes.py (operations), errors.py."""

from mockserver.api import Provider
from mockserver.providers.loop_comms import rules
from mockserver.providers.loop_comms.errors import ERRORS
from mockserver.providers.loop_comms.models import CommsBackend
from mockserver.providers.loop_comms.routes import HANDLERS

PROVIDER = Provider(
    id="loop-comms",
    prefix="/loop-comms",
    title="Loop Health comms",
    errors=ERRORS,
    handlers=HANDLERS,
    machines={"campaigns": rules.CAMPAIGN},
    backend=CommsBackend,
    collections={"campaigns": "#/components/schemas/Campaign"},
    # A send (sendCampaign) is kept inside its campaign here, not as an entity of its own.
    records={"createCampaign": ("campaigns", "/campaign"), "cancelCampaign": ("campaigns", "/campaign")},
)
