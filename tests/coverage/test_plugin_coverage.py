"""The plugin's coverage report, used as a consumer would: a test suite in a temporary folder, run under
pytest-xdist with two workers (two servers), reports exactly the outcomes and transitions it exercised."""

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

CONSUMER = '''
import httpx


def cancel(mockserver, campaign_id):
    return httpx.post(f"{mockserver.url('loop-comms')}/v1/admin/campaigns/{campaign_id}/cancel",
                      headers=mockserver.headers).status_code


def test_cancel_a_draft(mockserver):
    assert cancel(mockserver, "cmp_draft") == 200


def test_cancel_twice_is_refused(mockserver):
    assert [cancel(mockserver, "cmp_draft"), cancel(mockserver, "cmp_draft")] == [200, 409]


def test_cancel_a_sent_campaign_is_refused(mockserver):
    assert cancel(mockserver, "cmp_sent") == 409


def test_unknown_campaign(mockserver):
    assert cancel(mockserver, "nope") == 404
'''


def test_a_consumer_suite_under_xdist_reports_exactly_what_it_exercised_and_fails_under_its_bar(pytester):
    pytester.makepyfile(test_consumer=CONSUMER)
    (pytester.path / "fx").mkdir()
    (pytester.path / "fx" / "loop-comms.json").write_text((FIXTURES / "loop-comms.json").read_text())
    pytester.makeini("[pytest]\nmockserver_fixtures = fx\n")

    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "--mockserver-coverage",
                                           "--mockserver-coverage-json", "coverage.json",
                                           "--mockserver-coverage-fail-under", "90")

    result.assert_outcomes(passed=4)
    assert result.ret == 1  # every test passed; the coverage bar failed the run
    report = json.loads((pytester.path / "coverage.json").read_text())
    answered = {(pid, row["operationId"], status): count for pid, body in report["providers"].items()
                for row in body["operations"] for status, count in row["outcomes"].items() if count}
    assert answered == {("loop-comms", "cancelCampaign", "200"): 2, ("loop-comms", "cancelCampaign", "409"): 2,
                        ("loop-comms", "cancelCampaign", "404"): 1}
    moved = {(pid, row["action"], row["from"], row["to"]): row["count"] for pid, body in report["providers"].items()
             for row in body["transitions"] if row["count"]}
    assert moved == {("loop-comms", "cancel", "draft", "cancelled"): 2,
                     ("loop-comms", "cancel", "cancelled", None): 1, ("loop-comms", "cancel", "sent", None): 1}
    assert report["summary"]["outcomes"]["exercised"] == 3

    output = result.stdout.str()
    assert "mockserver coverage" in output
    assert "loop-comms: outcomes 3/18" in output
    assert "never answered: createCampaign 201" in output
    assert "campaigns: cancel scheduled -> cancelled" in output  # a transition never exercised
    assert "under --mockserver-coverage-fail-under 90" in output


def test_without_the_flags_there_is_no_section_and_no_failure(pytester):
    pytester.makepyfile(test_consumer=CONSUMER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "draft")
    result.assert_outcomes(passed=1, deselected=3)
    assert result.ret == 0
    assert "mockserver coverage" not in result.stdout.str()
