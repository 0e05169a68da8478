"""An upstream that cannot be reached is a JSON 502, one that does not answer in time a JSON 504; both say
which upstream and what happened, and are kept in the report. Proxy mode also runs under the plugin's
server (no lifespan) and is configured from the command line, the environment and the plugin's ini."""

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.cli import parse
from mockserver.pytest_plugin import RunningServer
from tests.proxy.conftest import closed_port


def test_an_unreachable_upstream_is_a_json_502_kept_in_the_report():
    upstream = f"http://127.0.0.1:{closed_port()}"
    with TestClient(create_app(Settings(fixtures_dir=None, upstreams=(("commcom", upstream),), upstream_timeout=2))) as client:
        answer = client.get("/commcom/api/v1/sms/campaigns", headers={"Authorization": "Bearer t"})
        assert answer.status_code == 502
        body = answer.json()
        assert (body["error"], body["provider"], body["upstream"]) == ("upstream_unreachable", "commcom", upstream)
        assert body["path"] == "/v1/sms/campaigns" and "ConnectError" in body["message"]
        report = client.get("/__mock/drift").json()
    assert report["failed"] == 1 and report["checked"] == 0 and report["drift"] == []
    (failure,) = report["failures"]
    assert (failure["provider"], failure["status"], failure["upstream"]) == ("commcom", 502, upstream)


def test_a_slow_upstream_is_a_json_504_after_the_timeout(drifted):
    with TestClient(create_app(Settings(fixtures_dir=None, upstreams=(("bsg", drifted.url),), upstream_timeout=0.3))) as client:
        answer = client.get("/bsg/api/campaigns/99", headers={"Authorization": "Bearer t"})
        assert answer.status_code == 504
        assert answer.json()["error"] == "upstream_timeout" and "0.3 s" in answer.json()["message"]
        assert client.get("/__mock/drift").json()["failures"][0]["status"] == 504


def test_the_plugins_server_proxies_without_a_lifespan(drifted):
    with RunningServer(Settings(fixtures_dir=None, upstreams=(("bsg", drifted.url),))) as server:
        answer = httpx.get(f"{server.base_url}/bsg/api/campaigns/7", headers={"Authorization": "Bearer t"})
        assert answer.status_code == 200 and answer.headers["x-upstream"] == "drifted"
        assert httpx.get(f"{server.base_url}/__mock/drift").json()["checked"] == 1


def test_upstreams_from_the_command_line_and_the_environment(monkeypatch, tmp_path):
    settings, _ = parse(["--upstream", "bsg=https://one-api.bsg.world/", "--upstream-timeout", "2.5",
                         "--record", str(tmp_path)])
    assert settings.upstreams == (("bsg", "https://one-api.bsg.world"),)
    assert (settings.upstream_timeout, settings.record_dir) == (2.5, tmp_path)
    monkeypatch.setenv("MOCKSERVER_UPSTREAM", "bsg=http://127.0.0.1:1,commcom=http://127.0.0.1:2/api")
    assert dict(parse([])[0].upstreams) == {"bsg": "http://127.0.0.1:1", "commcom": "http://127.0.0.1:2/api"}


@pytest.mark.parametrize("entry", ["nobody=http://x", "bsg", "bsg=ftp://x", "bsg=http://x?y=1"])
def test_a_wrong_upstream_is_one_line_naming_it(entry, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse(["--upstream", entry])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and entry in error


def test_the_plugins_ini_sets_upstreams(pytester, drifted):
    pytester.makeini(f"[pytest]\nmockserver_upstream =\n    bsg={drifted.url}\n")
    pytester.makepyfile(test_through='''
import httpx

def test_through(mockserver):
    answer = httpx.get(mockserver.url("bsg") + "/api/campaigns/7", headers={"Authorization": "Bearer t"})
    assert answer.headers["x-upstream"] == "drifted"
''')
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
