"""A setup the server cannot serve correctly is refused at start, in one line that names the culprit,
with a non-zero exit, and nothing served: a bad option or environment variable, a busy port, a fixture
the provider cannot use."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver import Settings, cli, create_app, resources
from mockserver.fixtures import FixtureError


def _refusal(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # one line, no usage block, no traceback
    return lines[0]


@pytest.mark.parametrize(("args", "named"), [
    (["--port", "abc"], "--port"),
    (["--port", "70000"], "--port"),
    (["--delivery-rate", "0"], "--delivery-rate"),
    (["--delivery-rate", "-3"], "--delivery-rate"),
    (["--delivery-rate", "inf"], "--delivery-rate"),
    (["--max-tenants", "0"], "--max-tenants"),
    (["--journal-size", "0"], "--journal-size"),
    (["--set", "bsg.moderation_seconds=-1"], "--set"),  # a provider's own setting, out of its bounds
    (["--set", "bsg.moderation_seconds=soon"], "--set"),  # not its type
    (["--set", "bsg.no_such_setting=1"], "--set"),
    (["--set", "nobody.moderation_seconds=1"], "--set"),
    (["--set", "bsg.moderation_seconds"], "--set"),  # no value
    (["--set", "bsg.rcs_callback_url=ftp://x"], "--set"),  # not its pattern
    (["--seed", "x"], "--seed"),
])
def test_a_bad_option_is_one_line_naming_it(args, named, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.parse(args)
    assert stopped.value.code != 0
    line = _refusal(capsys)
    assert named in line and args[1] in line, line
    assert "unrecognized" not in line  # refused for its value, not for being unknown


@pytest.mark.parametrize(("name", "value"), [
    ("PORT", "abc"), ("SEED", "1.5"), ("DELIVERY_RATE", "0"), ("MAX_TENANTS", "-2"), ("JOURNAL_SIZE", "many"),
    ("SET", "bsg.moderation_seconds=-60"), ("WORKERS", "two"), ("LOG_LEVEL", "loud"),
])
def test_a_bad_environment_variable_is_one_line_naming_it(name, value, monkeypatch, capsys):
    monkeypatch.setenv(f"MOCKSERVER_{name}", value)
    with pytest.raises(SystemExit) as stopped:
        cli.parse([])
    assert stopped.value.code != 0
    line = _refusal(capsys)
    assert f"MOCKSERVER_{name}" in line and value in line, line


def test_legal_bounds_are_accepted():
    settings, _ = cli.parse(["--delivery-rate", "0.5", "--max-tenants", "1", "--journal-size", "1",
                             "--set", "bsg.moderation_seconds=0", "--port", "65535"])
    assert (settings.delivery_rate, settings.max_tenants, settings.journal_size,
            settings.provider_values, settings.port) == (0.5, 1, 1, (("bsg", "moderation_seconds", 0),), 65535)


def test_provider_settings_come_from_the_environment_and_the_command_line_wins(monkeypatch):
    monkeypatch.setenv("MOCKSERVER_SET", "bsg.moderation_seconds=5,bsg.rcs_callback_url=http://127.0.0.1:9/hook")
    settings, _ = cli.parse(["--set", "bsg.moderation_seconds=7"])
    app = create_app(Settings(fixtures_dir=None, provider_values=settings.provider_values))
    from starlette.testclient import TestClient

    answer = TestClient(app, headers={"Authorization": "Bearer t"}).get("/__mock/bsg/settings").json()
    assert answer == {"moderation_seconds": 7, "rcs_callback_url": "http://127.0.0.1:9/hook"}


def _run(*args: str) -> subprocess.CompletedProcess:
    # A timeout, not a hang, if the server starts although it should not have.
    return subprocess.run([sys.executable, "-m", "mockserver", "--log-level", "warning", *args],
                          capture_output=True, text=True, timeout=30, env=os.environ)


def test_a_busy_port_is_one_line_and_no_banner():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run("--port", str(port))
    assert done.returncode != 0
    assert done.stdout == ""  # no banner announcing a server that is not there
    assert done.stderr.strip().splitlines() == [f"mockserver: cannot listen on 127.0.0.1:{port}: Address already in use"]


def _fixtures_with(tmp_path: Path, provider: str, change) -> Path:
    folder = tmp_path / "fixtures"
    shutil.copytree(resources.fixtures_dir(), folder)
    path = folder / f"{provider}.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return folder


def test_a_fixture_with_an_unknown_status_stops_start_naming_file_entity_and_reason(tmp_path):
    folder = _fixtures_with(tmp_path, "loop-comms",
                            lambda d: d["campaigns"][1].update(status="bogus"))
    bad_id = json.loads((folder / "loop-comms.json").read_text())["campaigns"][1]["id"]
    done = _run("--fixtures", str(folder), "--port", "1")  # would fail later on the port: must not get there
    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert str(folder / "loop-comms.json") in line and repr(bad_id) in line and "status" in line, line
    assert done.stdout == ""


@pytest.mark.parametrize(("provider", "change", "named"), [
    ("commcom", lambda d: d["sends"][0].update(status="flying"), "sends"),
    ("bsg", lambda d: d["campaigns"][0].update(status="lost"), "campaigns"),
    ("loop-messaging", lambda d: d["campaigns"][0].update(status="nope"), "campaigns"),
    ("loop-comms", lambda d: d["campaigns"][0].update(name=17), "name"),  # builds, but breaks the contract
    ("loop-comms", lambda d: d["campaigns"].append({"name": "no id"}), "id"),
])
def test_every_provider_fixture_is_checked_in_process(tmp_path, provider, change, named):
    folder = _fixtures_with(tmp_path, provider, change)
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(fixtures_dir=folder))
    assert str(folder / f"{provider}.json") in str(refused.value) and named in str(refused.value)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]"])
def test_a_fixture_that_is_not_a_json_object_is_refused(tmp_path, content):
    folder = _fixtures_with(tmp_path, "bsg", lambda d: None)
    (folder / "bsg.json").write_bytes(content)
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(fixtures_dir=folder))
    assert str(folder / "bsg.json") in str(refused.value)
