"""benchmarks/least_cancel.py bounds what a redesigned edge could reach on a cancel; its figure means
something only if it does a cancel's work. Two tenants on one app, their clocks frozen at one instant:
one cancels through the bound's short way, the other through the app. What each client gets back, what
each journal holds and what coverage counts must be the same; and the bound must really take its short
way (else it would measure the app)."""

import sys
from pathlib import Path

from mockserver.app import MockServerApp
from tests.support import client_for, make_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from least_cancel import LeastCancel  # noqa: E402

AT = "2031-05-04T03:02:01Z"
CANCEL = "/loop-comms/v1/admin/campaigns/cmp_draft/cancel"


def frozen(client):
    assert client.post("/__mock/clock", json={"now": AT, "freeze": True}).status_code == 200
    return client


def test_the_bound_answers_journals_and_counts_as_the_app_does(monkeypatch):
    app = make_app()
    short = frozen(client_for(LeastCancel(app), "short-way"))
    usual = frozen(client_for(app, "usual-way"))
    through_app = []
    called = MockServerApp.__call__

    async def watched(self, scope, receive, send):
        through_app.append(scope["path"])
        await called(self, scope, receive, send)

    monkeypatch.setattr(MockServerApp, "__call__", watched)
    answers = [client.post(CANCEL) for client in (short, usual)]
    assert through_app == [CANCEL]  # only the usual way's cancel reached the app
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content
    assert answers[0].json()["campaign"]["status"] == "cancelled"

    journals = [client.get("/__mock/requests").json()["requests"] for client in (short, usual)]
    assert journals[0] == journals[1] and len(journals[0]) == 1
    coverage = [client.get("/__mock/coverage").json() for client in (short, usual)]
    outcomes = [{(pid, row["operationId"]): row["outcomes"] for pid, body in report["providers"].items()
                 for row in body["operations"]} for report in coverage]
    assert outcomes[0][("loop-comms", "cancelCampaign")]["200"] == 1
    assert outcomes[0][("loop-comms", "cancelCampaign")] == outcomes[1][("loop-comms", "cancelCampaign")]
    # The state moved and stays moved, as the app's own reads show.
    for client in (short, usual):
        assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "cancelled"
