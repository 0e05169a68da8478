"""The plugin's settings, used as a consumer would (a test suite in a temporary folder): every server
option from the ini file or the command line (which wins), a bad value refused in one line, a server that
is already running (`mockserver_url`), and `mockserver --version`."""

import json
import subprocess
import sys
from importlib import metadata

from mockserver.client import MockClient
from mockserver.pytest_plugin import RunningServer
from mockserver.settings import Settings

READS_ITS_SETTINGS = '''
import httpx


def test_settings(mockserver_server, mockserver):
    s = mockserver_server.settings
    assert (s.seed, s.delivery_rate, s.journal_size, s.provider_values, s.strict) == (
        7, 5.0, 50, (("bsg", "moderation_seconds", 2),), False)
    assert s.fixtures_dir is None and s.tokens == ("alpha", "beta")
    assert mockserver.token == "alpha"
    assert mockserver.state()["loop-comms"]["campaigns"] == []  # fixtures none
    answer = httpx.get(mockserver.url("loop-comms") + "/v1/admin/campaigns/x/history",
                       headers={"Authorization": "Bearer gamma"})
    assert answer.status_code == 401  # not a listed token
'''


def test_every_server_option_comes_from_the_ini(pytester):
    pytester.makepyfile(test_settings=READS_ITS_SETTINGS)
    pytester.makeini("[pytest]\nmockserver_seed = 7\nmockserver_delivery_rate = 5\nmockserver_journal_size = 50\n"
                     "mockserver_set = bsg.moderation_seconds=2\nmockserver_strict = false\nmockserver_fixtures = none\n"
                     "mockserver_tokens =\n    alpha\n    beta\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_flags_win_over_the_ini(pytester):
    pytester.makepyfile(test_settings=READS_ITS_SETTINGS)
    pytester.makeini("[pytest]\nmockserver_seed = 1\nmockserver_delivery_rate = 99\nmockserver_tokens = zeta\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--mockserver-seed", "7", "--mockserver-delivery-rate", "5",
        "--mockserver-journal-size", "50", "--mockserver-set", "bsg.moderation_seconds=2", "--mockserver-strict",
        "false", "--mockserver-fixtures", "none", "--mockserver-tokens", "alpha", "--mockserver-tokens", "beta")
    result.assert_outcomes(passed=1)


def test_a_bad_value_stops_the_run_in_one_line(pytester):
    pytester.makepyfile(test_nothing="def test_nothing(): pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-delivery-rate", "0")
    assert result.ret == 4
    assert "mockserver_delivery_rate / --mockserver-delivery-rate: 0 must be greater than 0" in result.stderr.str()


CREATES = '''
import httpx


def test_create(mockserver):
    answer = httpx.post(mockserver.url("loop-comms") + "/v1/admin/campaigns", headers=mockserver.headers,
                        json={"brand_id": "brand_acme", "name": "n", "subject": "s", "template_key": "t"})
    print("CREATED", answer.json()["campaign"]["id"])
'''


def _created_id(result) -> str:
    result.assert_outcomes(passed=1)
    [line] = [line for line in result.stdout.lines if "CREATED " in line]
    return line.split("CREATED ")[1].split()[0]


def test_a_seed_makes_a_test_see_the_same_ids_in_every_run(pytester):
    pytester.makepyfile(test_create=CREATES)
    first = _created_id(pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "--mockserver-seed", "3"))
    second = _created_id(pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "--mockserver-seed", "3"))
    assert first == second  # without a seed, a fresh random id (uuid4) every run


USES_A_RUNNING_SERVER = '''
import httpx


def test_cancel(mockserver_server, mockserver):
    assert mockserver_server.base_url == "{url}"
    answer = httpx.post(mockserver.url("loop-comms") + "/v1/admin/campaigns/cmp_draft/cancel",
                        headers=mockserver.headers)
    assert answer.status_code == 200
'''


def test_a_running_server_is_used_and_its_coverage_is_only_this_sessions(pytester, monkeypatch):
    with RunningServer(Settings()) as server:
        # Someone else's call on that server, before the session: not in the session's report.
        before = MockClient(server.base_url, token="someone-else")
        before.fault("loop-comms", "cancelCampaign", status=500)
        before.call("GET", "/clock")
        pytester.makepyfile(test_remote=USES_A_RUNNING_SERVER.format(url=server.base_url))
        monkeypatch.setenv("MOCKSERVER_URL", server.base_url)
        report = pytester.path / "coverage.json"
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-coverage-json", str(report))
        result.assert_outcomes(passed=1)
        operations = json.loads(report.read_text())["providers"]["loop-comms"]["operations"]
        answered = {(row["operationId"], status) for row in operations for status, n in row["outcomes"].items() if n}
        assert answered == {("cancelCampaign", "200")}
        # and a server option next to it is refused: it would be silently ignored
        monkeypatch.delenv("MOCKSERVER_URL")
        refused = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-url", server.base_url,
                                                "--mockserver-seed", "1")
        assert refused.ret == 4 and "mockserver_seed would be ignored" in refused.stderr.str()


def test_version_comes_from_the_package_metadata():
    shown = subprocess.run([sys.executable, "-m", "mockserver", "--version"], capture_output=True, text=True,
                           timeout=30)
    assert (shown.returncode, shown.stdout.strip()) == (0, f"mockserver {metadata.version('mockserver')}")


READS_A_PROVIDER_SETTING = '''
def test_setting(mockserver):
    assert mockserver.call("GET", "/bsg/settings")["moderation_seconds"] == 5
'''


def test_a_providers_own_setting_comes_from_mockserver_set(pytester):
    pytester.makepyfile(test_setting=READS_A_PROVIDER_SETTING)
    pytester.makeini("[pytest]\nmockserver_set =\n    bsg.moderation_seconds=5\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    refused = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--mockserver-set", "bsg.nope=1")
    assert refused.ret == 4 and "bsg has no setting 'nope'" in refused.stderr.str()
