"""POST /api/campaigns/send (the SDK's multi-channel send), served for RCS first: an RCS campaign with an
optional SMS fallback to groups or phones; other channels refused 422 on `channels`; a channel named
without its object refused on that field; dry_run answers the campaign and stores nothing."""

import pytest

from tests.support import client_for, make_app

B = "/bsg/api"
APP = make_app()
RCS = {"sender": "mock_agent", "text": "Hi"}


@pytest.fixture
def client(request):
    return client_for(APP, f"multichannel-{request.node.name}")


def _send(client, **body):
    return client.post(f"{B}/campaigns/send", json=body)


def test_an_rcs_campaign_with_an_sms_fallback_to_groups(client):
    answer = _send(client, recipients={"groups": [102]}, channels=["rcs", "sms"], rcs=RCS,
                   sms={"sender": "ACME", "text": "Hi"})
    assert answer.status_code == 200, answer.text
    campaign = answer.json()["data"]
    assert campaign["status"] == "moderation" and campaign["calculated_price"] is not None
    detail = client.get(f"{B}/campaigns/{campaign['id']}/detail").json()["data"]
    assert detail["total_messages"] == 3  # group 102's three contacts


@pytest.mark.parametrize(("channels", "objects", "named"), [
    (["sms"], {"sms": {"sender": "ACME", "text": "Hi"}}, "channels"), (["viber", "rcs"], {"rcs": RCS}, "channels"),
    (["rcs", "viber"], {"rcs": RCS}, "channels"), (["rcs", "rcs"], {"rcs": RCS}, "channels"),
    (["rcs", "sms"], {"rcs": RCS}, "sms"), (["rcs"], {}, "rcs")])
def test_what_the_mock_does_not_serve_is_refused_on_its_field(client, channels, objects, named):
    answer = _send(client, recipients={"phones": [{"number": "447700900001"}]}, channels=channels, **objects)
    assert answer.status_code == 422
    assert any(field.startswith(named) for field in answer.json()["errors"]), answer.json()


def test_a_dry_run_answers_the_campaign_and_stores_nothing(client):
    before = client.get(f"{B}/campaigns", params={"filter[type]": "rcs"}).json()["meta"]["page"]["total"]
    answer = _send(client, recipients={"phones": [{"number": "447700900001"}]}, channels=["rcs"], rcs=RCS,
                   dry_run=True)
    assert answer.status_code == 200, answer.text
    assert client.get(f"{B}/campaigns/{answer.json()['data']['id']}").status_code == 404
    assert client.get(f"{B}/campaigns", params={"filter[type]": "rcs"}).json()["meta"]["page"]["total"] == before


def test_repeated_numbers_are_refused(client):
    phones = [{"number": "447700900001"}, {"number": "447700900001"}]
    answer = _send(client, recipients={"phones": phones}, channels=["rcs"], rcs=RCS)
    assert answer.status_code == 422 and "recipients.phones.number" in answer.json()["errors"]
