"""loop-comms operations: each takes a validated call, asks the backend, renders the provider's answer."""

from mockserver.api import Reply
from mockserver.call import Call


def create_campaign(call: Call) -> Reply:
    return 201, {"campaign": call.backend.create(call.body).render()}


def send_campaign(call: Call) -> Reply:
    return 200, {"send": call.backend.send(call.params["id"], call.body["recipients"]).render()}


def cancel_campaign(call: Call) -> Reply:
    return 200, {"campaign": call.backend.cancel(call.params["id"]).render()}


def get_campaign_history(call: Call) -> Reply:
    return 200, {"sends": [send.render() for send in call.backend.history(call.params["id"])]}


HANDLERS = {
    "createCampaign": create_campaign,
    "sendCampaign": send_campaign,
    "cancelCampaign": cancel_campaign,
    "getCampaignHistory": get_campaign_history,
}
