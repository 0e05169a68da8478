"""bsg operations: each takes a validated call, asks the backend, renders the provider's answer."""

import base64
import hashlib
import hmac

import orjson

from mockserver.api import Reply
from mockserver.call import Call
from mockserver.providers.bsg import rules
from mockserver.providers.bsg.errors import ERRORS
from mockserver.settings import Settings

_JWT_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signing_key(settings: Settings) -> bytes:
    # The credentials list is the secret: stable across restarts with the same --token list (a state file
    # keeps its tenants), unknown to anyone who holds none of the credentials (rules: the login bearer).
    return hashlib.sha256("\0".join(("mockserver-bsg", *sorted(settings.tokens))).encode()).digest()


def _signature(signed: str, settings: Settings) -> str:
    return _b64(hmac.new(_signing_key(settings), signed.encode(), hashlib.sha256).digest())


def bearer_for(api_key: str, settings: Settings | None = None) -> str:
    """A JWT-shaped bearer that depends only on the key and the credentials list (so a key always reaches
    the same tenant), does not reveal the key, and proves itself: nothing is stored per login."""
    subject = hashlib.sha256(api_key.encode()).hexdigest()[:32]
    signed = f"{_b64(orjson.dumps(_JWT_HEADER))}.{_b64(orjson.dumps({'iss': 'mockserver-bsg', 'sub': subject}))}"
    return f"{signed}.{_signature(signed, settings or Settings())}"


def verify_bearer(token: str, settings: Settings) -> bool:
    signed, _, signature = token.rpartition(".")
    return bool(signed) and len(token) <= rules.BEARER_MAX_LENGTH and hmac.compare_digest(
        signature, _signature(signed, settings))


def login(call: Call) -> Reply:
    api_key = call.body["api_key"]
    # The --token list, when given, is the set of credentials: the same test decides keys and bearers.
    if not call.runtime.settings.accepts(api_key):
        raise ERRORS.unauthorized()
    return 200, {"bearer": bearer_for(api_key, call.runtime.settings)}


def refresh_token(call: Call) -> Reply:
    return 200, {"bearer": call.token}


def create_rcs_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.create(call.body).render_priced()}


def send_rcs_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.send_to_phones(call.body).render_priced()}


def send_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.send_any(call.body).render_priced()}


def send_rcs_message(call: Call) -> Reply:
    campaign, index = call.backend.send_message(call.body)
    return 200, {"data": call.backend.message(campaign, index).render()}


def campaign_price(call: Call) -> Reply:
    return 200, {"price": call.backend.estimate(call.body), "currency": rules.CURRENCY}


def get_campaign_detail(call: Call) -> Reply:
    return 200, {"data": call.backend.detail(call.params["id"])}


def list_messages(call: Call) -> Reply:
    found, meta = call.backend.search_messages(call.query)
    return 200, {"data": found, "meta": meta}


def get_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.campaign(call.params["id"]).render()}


def list_campaigns(call: Call) -> Reply:
    campaigns, meta = call.backend.search(call.query)
    return 200, {"data": [campaign.render() for campaign in campaigns], "meta": meta}


def stop_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.stop(call.params["id"]).render()}


def renew_campaign(call: Call) -> Reply:
    return 200, {"data": call.backend.renew(call.params["id"]).render()}


HANDLERS = {
    "login": login,
    "refreshToken": refresh_token,
    "createRcsCampaign": create_rcs_campaign,
    "sendRcsCampaign": send_rcs_campaign,
    "sendRcsMessage": send_rcs_message,
    "sendMultichannelCampaign": send_campaign,
    "campaignPrice": campaign_price,
    "getCampaignDetail": get_campaign_detail,
    "listMessages": list_messages,
    "getCampaign": get_campaign,
    "listCampaigns": list_campaigns,
    "stopCampaign": stop_campaign,
    "stopCampaignPatch": stop_campaign,  # the SDK's PATCH for the same stop
    "renewCampaign": renew_campaign,
}
