"""The real `mockserver` command in a child process (`python -m mockserver`, so it runs in whatever
environment runs the tests): it serves over a socket, honours MOCKSERVER_* variables, refuses a setup it
cannot serve correctly, and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys

import httpx
import pytest

from mockserver import cli
from tests.support import ServerProcess

BASE = "/loop-comms/v1/admin/campaigns"
NEW = {"brand_id": "brand_cli", "name": "CLI", "subject": "Hi", "template_key": "welcome"}


def test_serves_create_send_cancel_and_stops_on_sigterm():
    with ServerProcess() as server:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer cli-test"}, timeout=10) as http:
            assert http.get("/__mock/health").json()["status"] == "ok"
            assert http.post("/__mock/clock", json={"freeze": True}).status_code == 200
            first = http.post(BASE, json=NEW)
            assert first.status_code == 201, first.text
            first_id = first.json()["campaign"]["id"]
            second_id = http.post(BASE, json=NEW).json()["campaign"]["id"]

            send = http.post(f"{BASE}/{first_id}/send",
                             json={"recipients": [{"person_id": "p1", "recipient": "ann@example.com"}]})
            assert send.status_code == 200, send.text
            assert send.json()["send"]["status"] == "sending"  # the frozen clock holds it there

            refused = http.post(f"{BASE}/{first_id}/cancel")
            assert refused.status_code == 409, refused.text
            assert refused.json()["error"] == "conflict"

            cancelled = http.post(f"{BASE}/{second_id}/cancel")
            assert cancelled.status_code == 200, cancelled.text
            assert cancelled.json()["campaign"]["status"] == "cancelled"
            assert cancelled.json()["campaign"]["cancelled_at"] is not None

            assert http.get("/__mock/health").json().get("contract_violations", 0) == 0

        assert server.terminate(timeout=10) == 0
        output = server.process.stdout.read()
    assert f"{server.base_url}/loop-comms" in output  # each provider's base URL is printed at start


def test_the_port_can_come_from_the_environment():
    server = ServerProcess()
    server.args = ["--log-level", "warning"]  # no --port: MOCKSERVER_PORT must be enough
    server.env = {"MOCKSERVER_PORT": str(server.port), "MOCKSERVER_TOKENS": "alpha,beta"}
    with server:
        history = f"{server.base_url}{BASE}/cmp_sent/history"
        assert httpx.get(history, headers={"Authorization": "Bearer beta"}).status_code == 200
        assert httpx.get(history, headers={"Authorization": "Bearer gamma"}).status_code == 401
        assert server.terminate(timeout=10) == 0


@pytest.mark.parametrize(("args", "env"), [(["--workers", "2"], {}), ([], {"MOCKSERVER_WORKERS": "2"})],
                         ids=["flag", "env"])
def test_more_than_one_worker_is_refused_with_the_reason(args, env):
    done = subprocess.run([sys.executable, "-m", "mockserver", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "--workers must be 1" in done.stderr
    assert "one process" in done.stderr  # says why: the state lives in one process
    assert "--shards" in done.stderr  # and what to use instead (docs/scaling.md)


# -- option parsing, in process (no server) --------------------------------------------------------------


def test_defaults(monkeypatch):
    for name in ("HOST", "PORT", "TOKENS", "FIXTURES", "STRICT", "SEED", "LOG_LEVEL", "WORKERS", "ACCESS_LOG"):
        monkeypatch.delenv(f"MOCKSERVER_{name}", raising=False)
    settings, access_log = cli.parse([])
    assert (settings.host, settings.port, settings.tokens, settings.strict, access_log) == ("127.0.0.1", 8080, (), False, False)
    assert cli.parse(["--access-log"])[1] is True
    assert settings.fixtures_dir is not None and (settings.fixtures_dir / "loop-comms.json").is_file()


def test_environment_and_the_command_line_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("MOCKSERVER_PORT", "9123")
    monkeypatch.setenv("MOCKSERVER_STRICT", "true")
    monkeypatch.setenv("MOCKSERVER_SEED", "7")
    monkeypatch.setenv("MOCKSERVER_FIXTURES", "none")
    settings, _ = cli.parse([])
    assert (settings.port, settings.strict, settings.seed, settings.fixtures_dir) == (9123, True, 7, None)
    settings, _ = cli.parse(["--port", "9999", "--token", "a", "--token", "b", "--fixtures", str(tmp_path)])
    assert (settings.port, settings.tokens, settings.fixtures_dir) == (9999, ("a", "b"), tmp_path)


def test_a_missing_fixtures_folder_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.parse(["--fixtures", str(tmp_path / "absent")])
    assert "no such folder" in capsys.readouterr().err


def test_ctrl_c_stops_it_cleanly_too():
    with ServerProcess() as server:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=10) == 0
        assert "Traceback" not in server.process.stdout.read()
