"""loop-messaging operations: each takes a validated call, asks the backend, renders the provider's answer."""

from mockserver.api import Reply
from mockserver.call import Call


def create_campaign(call: Call) -> Reply:
    return 201, call.backend.create(call.body).render()


def list_campaigns(call: Call) -> Reply:
    campaigns = call.backend.campaigns_of(call.query["brand_id"], call.query.get("status"))
    return 200, {"items": [campaign.render() for campaign in campaigns]}


def schedule_campaign(call: Call) -> Reply:
    return 200, call.backend.schedule(call.params["id"], call.body["scheduled_at"]).render()


def publish_campaign(call: Call) -> Reply:
    return 202, call.backend.publish(call.params["id"], call.body["recipients"]).render()


HANDLERS = {
    "createMessagingCampaign": create_campaign,
    "listMessagingCampaigns": list_campaigns,
    "scheduleCampaign": schedule_campaign,
    "publishCampaign": publish_campaign,
}
