"""Loop Health messaging: campaigns (create, list, schedule, publish) that go out to their segment when
the clock reaches scheduled_at. Read top to bottom: rules.py (states, transitions, assumptions),
models.py (state), routes.py (operations), errors.py."""

from mockserver.api import Provider
from mockserver.providers.loop_messaging import rules
from mockserver.providers.loop_messaging.errors import ERRORS
from mockserver.providers.loop_messaging.models import MessagingBackend
from mockserver.providers.loop_messaging.routes import HANDLERS

PROVIDER = Provider(
    id="loop-messaging",
    prefix="/loop-messaging",
    title="Loop Health messaging",
    errors=ERRORS,
    handlers=HANDLERS,
    machines={"campaigns": rules.CAMPAIGN},
    backend=MessagingBackend,
    collections={"campaigns": "#/components/schemas/Campaign"},
    records={"createMessagingCampaign": ("campaigns", ""), "scheduleCampaign": ("campaigns", ""),
             "listMessagingCampaigns": ("campaigns", "/items")},
)
