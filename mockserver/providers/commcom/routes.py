"""commcom operations: each takes a validated call, asks the backend, answers `{"data": ...}`."""

from mockserver.api import Reply
from mockserver.call import Call


def create_campaign(call: Call) -> Reply:
    return 201, {"data": call.backend.create_campaign(call.body["name"]).render()}


def list_campaigns(call: Call) -> Reply:
    return 200, {"data": [campaign.render() for campaign in call.backend.list_campaigns()]}


def get_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.campaign(call.params["campaign"]).render()}


def update_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.update_campaign(call.params["campaign"], call.body).render()}


def stop_campaign_send(call: Call) -> Reply:
    return 200, {"data": call.backend.stop(call.params["campaign"], call.params["campaignSend"])}


HANDLERS = {
    "createSmsCampaign": create_campaign,
    "listSmsCampaigns": list_campaigns,
    "getSmsCampaign": get_campaign,
    "updateSmsCampaign": update_campaign,
    "stopCampaignSend": stop_campaign_send,
}
