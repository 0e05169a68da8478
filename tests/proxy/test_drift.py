"""Proxy mode against local upstreams: answers reach the client as the upstream gave them, and exactly the
ones that break the contract are reported as drift, with their operationIds and reasons, and never a
credential."""

import json
import logging

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from tests.proxy.conftest import COOKIE_SECRET

TOKEN = "sandbox-token-8c1d77e0"
API_KEY = "sandbox-api-key-93ab01"
HEADER_KEY = "x-api-key-value-5e5e5e"


@pytest.fixture
def proxy(conforming, drifted):
    """bsg goes to the drifted upstream; commcom and loop-messaging to a conforming one; loop-comms is
    mocked as usual."""
    app = create_app(Settings(strict=True, fixtures_dir=None, upstream_timeout=3, upstreams=(
        ("bsg", drifted.url), ("commcom", f"{conforming.url}/commcom/api"),
        ("loop-messaging", f"{conforming.url}/loop-messaging"))))
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def drift(client):
    return client.get("/__mock/drift").json()


def test_conforming_answers_pass_unchanged_and_are_no_drift(proxy, conforming):
    direct = httpx.Client(base_url=conforming.url, headers={"Authorization": f"Bearer {TOKEN}"})
    for path in ("/commcom/api/v1/sms/campaigns", "/loop-messaging/v1/messaging/campaigns?brand_id=brand_acme"):
        expected, got = direct.get(path), proxy.get(path)
        assert (got.status_code, got.content) == (expected.status_code, expected.content)
        assert got.headers["content-type"] == expected.headers["content-type"]
    created = proxy.post("/commcom/api/v1/sms/campaigns", json={"name": "through the proxy"})
    assert created.status_code == 201
    campaign_id = created.json()["data"]["id"]
    assert direct.get(f"/commcom/api/v1/sms/campaigns/{campaign_id}").json() == created.json()  # really upstream
    missing = proxy.get("/commcom/api/v1/sms/campaigns/6f0c5a4e-0000-4000-8000-000000000000")
    assert missing.status_code == 404  # a documented error keeps its contract too
    report = drift(proxy)
    assert report["checked"] == 4 and report["drift"] == [] and report["failed"] == 0


def test_providers_without_upstream_are_still_mocked(proxy):
    created = proxy.post("/loop-comms/v1/admin/campaigns", json={
        "brand_id": "brand_acme", "name": "mocked", "subject": "s", "channel": "email", "template_key": "t",
        "segment_criteria": {}, "variables": {}})
    assert created.status_code == 201
    assert drift(proxy)["checked"] == 0  # nothing went upstream


def test_nonconforming_answers_pass_unchanged_and_exactly_they_are_drift(proxy, drifted):
    direct = httpx.Client(base_url=drifted.url, headers={"Authorization": f"Bearer {TOKEN}"})
    calls = [("GET", "/api/campaigns/7"),  # keeps the contract
             ("GET", "/api/campaigns?filter%5Btype%5D=rcs"),  # keeps the contract
             ("GET", "/api/campaigns/8"),  # a status outside the enum
             ("PUT", "/api/campaigns/7/stop"),  # 418: undocumented
             ("GET", "/api/reports/summary")]  # no such operation
    for method, path in calls:
        expected, got = direct.request(method, path), proxy.request(method, f"/bsg{path}")
        assert (got.status_code, got.content) == (expected.status_code, expected.content), path
        assert got.headers["x-upstream"] == "drifted"
    report = drift(proxy)
    assert report["checked"] == len(calls)
    found = {(d["operationId"], d["method"], d["status"]): d["reasons"] for d in report["drift"]}
    assert set(found) == {("getCampaign", "GET", 200), ("stopCampaign", "PUT", 418), (None, "GET", 200)}
    assert any("data.status" in reason and "archived" in reason for reason in found[("getCampaign", "GET", 200)])
    assert any("418 is not documented" in reason for reason in found[("stopCampaign", "PUT", 418)])
    assert any("/api/reports/summary" in reason for reason in found[(None, "GET", 200)])
    assert all(d["provider"] == "bsg" and d["at"].endswith("Z") for d in report["drift"])


def test_the_same_drift_is_logged_once_and_counted(proxy, caplog):
    caplog.set_level(logging.WARNING, logger="mockserver")
    for _ in range(3):
        proxy.get("/bsg/api/campaigns/8")
    lines = [r for r in caplog.records if r.getMessage().startswith("drift:")]
    assert len(lines) == 1 and "getCampaign" in lines[0].getMessage()
    (entry,) = drift(proxy)["drift"]
    assert entry["count"] == 3


def test_the_request_reaches_the_upstream_as_sent(proxy, drifted):
    drifted.app.state.seen.clear()
    body = {"sender": "acme_agent", "groups": [101], "text": "hi"}
    answer = proxy.post("/bsg/api/campaigns/rcs/send-groups?dry=1&b=%2F", json=body,
                        headers={"X-Trace": "abc", "Proxy-Authorization": "Basic cHJveHk6cHJveHk="})
    assert answer.status_code == 200
    (seen,) = drifted.app.state.seen
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/api/campaigns/rcs/send-groups", "dry=1&b=%2F")
    assert json.loads(seen["body"]) == body
    assert seen["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert seen["headers"]["x-trace"] == "abc"
    assert seen["headers"]["host"] == drifted.url.removeprefix("http://")  # rewritten for the upstream
    assert "proxy-authorization" not in seen["headers"]  # hop-by-hop: meant for the mock, not passed on


def test_credentials_appear_nowhere_in_the_report_or_the_log(proxy, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    headers = {"X-Api-Key": HEADER_KEY}
    login = proxy.post("/bsg/api/auth/login?api_key=" + API_KEY, json={"api_key": API_KEY}, headers=headers)
    assert login.status_code == 200 and login.json() == {"bearer": [API_KEY]}  # the client gets it all
    assert COOKIE_SECRET in login.headers["set-cookie"]
    echoed = proxy.get("/bsg/api/campaigns/9", headers=headers)  # the token inside a drifting body
    assert TOKEN in echoed.text
    report = drift(proxy)
    found = {d["operationId"]: d["reasons"] for d in report["drift"]}
    assert set(found) == {"login", "getCampaign"}  # both reported, with reasons...
    assert all(found.values())
    shown = json.dumps(report) + caplog.text
    for secret in (TOKEN, API_KEY, HEADER_KEY, COOKIE_SECRET):  # ...none of which holds a secret
        assert secret not in shown
