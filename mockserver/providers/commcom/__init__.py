"""comm.com SMS: campaigns, and the sends of three types (manual, multistep, planner) that progress on the
tenant's clock and can be stopped. Read top to bottom: rules.py (statuses, transitions, assumptions),
progress.py (send progress by type, pure), models.py (state), routes.py (operations), errors.py."""

from mockserver.api import Provider
from mockserver.providers.commcom import rules
from mockserver.providers.commcom.errors import ERRORS
from mockserver.providers.commcom.models import CommcomBackend
from mockserver.providers.commcom.routes import HANDLERS

PROVIDER = Provider(
    id="commcom",
    prefix="/commcom/api",
    title="comm.com SMS",
    errors=ERRORS,
    handlers=HANDLERS,
    machines={"sends": rules.SEND},
    backend=CommcomBackend,
    collections={"campaigns": "#/components/schemas/SmsCampaign",
                 "sends": "#/components/schemas/SmsCampaignSendResource"},
    statuses={"sends": rules.SEND.statuses},
    records={**{op: ("campaigns", "/data") for op in (
        "createSmsCampaign", "listSmsCampaigns", "getSmsCampaign", "updateSmsCampaign")},
        "stopCampaignSend": ("sends", "/data")},
)
