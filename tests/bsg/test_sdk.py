"""BSG's own Python client (PyPI `bsg-sdk`, import `bsg_api`, generated from BSG's One-API document) drives
every RCS operation it has against a real mock over HTTP on 127.0.0.1, and reads every answer without an
error: login, the three RCS send routes and the multi-channel send (RCS first) (with the SDK's ISO `start_at`), get, list with its filters (the
SDK's own date format), detail, messages, price, stop; and the mock's RCS status callbacks parse as the
SDK's `RcsStatusCallback`. The SDK has no renew (PUT /api/campaigns/{id}/renew), so renew is not here."""

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

bsg_api = pytest.importorskip("bsg_api")

from bsg_api import ApiClient, Configuration  # noqa: E402
from bsg_api.api import AuthApi, CampaignApi, CampaignRCSApi, MessageRCSApi, MessagesSMSApi  # noqa: E402
from bsg_api.models import (  # noqa: E402
    Campaign, CampaignPriceRequest, LoginRequest, RcsMessage, RcsStatusCallback, SendRcsCampaign, SendRcsCampaignGroups)

from mockserver.receiver import CallbackReceiver  # noqa: E402
from tests.support import ServerProcess  # noqa: E402

NOW = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
TEXT = {"text": "Hi from the SDK"}


@pytest.fixture(scope="module")
def server():
    with ServerProcess() as running:
        yield running


@pytest.fixture(scope="module")
def sdk(server):
    """Logged in as the SDK does it: POST /api/auth/login with an api key, then the bearer it answered."""
    login = AuthApi(ApiClient(Configuration(host=f"{server.base_url}/bsg"))).login(LoginRequest(api_key="sdk-tenant"))
    bearer = login.bearer if hasattr(login, "bearer") else login.to_dict()["bearer"]
    httpx.post(f"{server.base_url}/__mock/clock", json={"now": NOW.isoformat().replace("+00:00", "Z"), "freeze": True},
               headers={"Authorization": f"Bearer {bearer}"}).raise_for_status()
    client = ApiClient(Configuration(host=f"{server.base_url}/bsg", access_token=bearer))
    return {"bearer": bearer, "campaign": CampaignApi(client), "rcs": CampaignRCSApi(client),
            "message": MessageRCSApi(client), "messages": MessagesSMSApi(client)}


def _control(server, sdk, method, path, **kwargs):
    answer = httpx.request(method, f"{server.base_url}/__mock{path}", headers={"Authorization": f"Bearer {sdk['bearer']}"},
                           **kwargs)
    answer.raise_for_status()
    return answer.json()


def test_every_rcs_operation_of_the_sdk_reads_the_mocks_answers(server, sdk):
    later = (NOW + timedelta(hours=1)).replace(tzinfo=None)  # the SDK sends datetime.isoformat()
    to_phones = sdk["rcs"].rcs_send(SendRcsCampaign.from_dict({
        "phones": [{"number": "447700900001", "reference_id": "ref1"}, {"number": "447700900002"}],
        "sender": "mock_agent", "options": TEXT, "start_at": later}))
    # Group 102: group 101 holds a malformed number ("12345"), whose message the mock lists with the phone as
    # given, a string (BSG's web page types phone a string); the SDK's MessageApiSchema would refuse it (an
    # integer of 9-15 digits): docs/bsg.md.
    to_groups = sdk["rcs"].rcs_send_groups(SendRcsCampaignGroups.from_dict({
        "groups": [102], "sender": "mock_agent", "options": TEXT,
        "alternative_channel": {"sms": {"text": "Hi", "sender": "ACME"}}}))
    single = sdk["message"].rcs_single_with_http_info(RcsMessage.from_dict({
        "phone": {"number": "447700900003", "reference_id": "ref3"}, "sender": "mock_agent", "options": TEXT}))
    assert single.data.data.status == "moderation"
    # The SDK's MessageInfo has no campaign_id; the answer carries it (seed 003), read from the raw body.
    any_channel = sdk["campaign"].campaign_send(Campaign.from_dict({
        "recipients": {"phones": [{"number": "447700900004"}]}, "channels": ["rcs", "sms"], "start_at": later,
        "rcs": {"sender": "mock_agent", "text": "Hi", "cards": [{"title": "t", "text": "card"}]},
        "sms": {"sender": "ACME", "text": "Hi"}}))
    ids = [to_phones.data.id, to_groups.data.id, json.loads(single.raw_data)["data"]["campaign_id"],
           any_channel.data.id]
    assert len(set(ids)) == 4
    assert to_phones.data.calculated_price is not None  # create answers carry the price (SDK)

    got = sdk["campaign"].campaign(ids[0]).data
    assert got.status == "moderation" and got.calculated_price is None

    _control(server, sdk, "POST", "/clock", json={"advance": 120})
    listed = sdk["campaign"].campaigns(page_offset=0, page_limit=30, sort="id", way="desc",
                                       filter_from=NOW - timedelta(days=1), filter_to=NOW + timedelta(days=1),
                                       filter_type="rcs", search_field="name", search_value="RCS")
    assert {c.id for c in listed.data} >= set(ids)

    detail = sdk["campaign"].campaign_details(ids[1]).data
    assert detail.id == ids[1] and detail.total_messages >= 1

    found = sdk["messages"].get_messages(page_offset=0, page_limit=500, filter_campaign_id=ids[1],
                                         filter_from=NOW - timedelta(days=1), filter_to=NOW + timedelta(seconds=60))
    assert len(found.data) == detail.total_messages
    assert sdk["messages"].get_messages(filter_reference_id="ref3").data[0].reference_id == "ref3"
    one = found.data[0].id
    assert [m.id for m in sdk["messages"].get_messages(filter_id=one).data] == [one]

    price = sdk["campaign"].campaign_price(CampaignPriceRequest.from_dict({
        "sender": "mock_agent", "text": "Hi", "groups": [101], "messages": [{"phone": 447700900001}]}))
    assert price is not None

    stopped = sdk["campaign"].campaign_stop(ids[0]).data  # scheduled for later: stoppable
    assert stopped.status == "stopped"


def test_the_mocks_status_callbacks_parse_as_the_sdks_model(server, sdk):
    with CallbackReceiver() as receiver:
        _control(server, sdk, "PUT", "/bsg/settings", json={"rcs_callback_url": receiver.url})
        sdk["rcs"].rcs_send_groups(SendRcsCampaignGroups.from_dict({"groups": [102], "sender": "mock_agent",
                                                                    "options": TEXT}))
        _control(server, sdk, "POST", "/clock", json={"advance": 120})
        got = receiver.wait_for(3)
        _control(server, sdk, "PUT", "/bsg/settings", json={"rcs_callback_url": None})
    assert got
    for report in got:
        parsed = RcsStatusCallback.from_dict(report)
        assert parsed.id == report["id"] and parsed.status.value == report["status"]
