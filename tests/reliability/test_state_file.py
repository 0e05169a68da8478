"""The state file holds data, not code: a row is never executed, an unreadable row costs only its own
tenant (which answers a JSON error until it is reset over HTTP), and a file that is not ours stops the
server at start-up with one line naming it."""

import logging
import pickle
import sqlite3
import subprocess
import sys

import pytest

from mockserver.persistence import StateFileError
from tests.support import client_for, make_app

BASE = "/loop-comms/v1/admin/campaigns"


def rows(path) -> dict[str, bytes]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT token, state FROM tenants"))


def put_row(path, token: str, state: bytes) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE tenants SET state = ? WHERE token = ?", (state, token))


def stored_tenant(path, token: str = "victim") -> None:
    """A state file holding one changed tenant (and a bystander)."""
    app = make_app(state_file=path)
    for name in (token, "bystander"):
        assert client_for(app, name).post(f"{BASE}/cmp_draft/cancel").status_code == 200


class Touch:
    """What a hostile row would run if the file were unpickled: it makes a file."""

    def __init__(self, target) -> None:
        self.target = target

    def __reduce__(self):
        return (open, (str(self.target), "w"))


def test_a_row_is_never_run_as_code(tmp_path):
    path, marker = tmp_path / "state.sqlite", tmp_path / "ran"
    stored_tenant(path)
    put_row(path, "victim", pickle.dumps(Touch(marker)))

    response = client_for(make_app(state_file=path), "victim").get(f"{BASE}/cmp_draft/history")
    assert not marker.exists()
    assert response.status_code == 500 and response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("damage", [
    pytest.param(lambda row: row[: len(row) // 2], id="truncated"),
    pytest.param(lambda row: row.replace(b'"$t":"object"', b'"$t":"nothing"', 1), id="unknown tag"),
    pytest.param(lambda row: row.replace(b"mockserver.clock.Clock", b"subprocess.Popen", 1), id="class not allowed"),
    pytest.param(lambda row: b'{"format":1,"tenant":{"clock":1}}', id="wrong shape"),
])
def test_an_unreadable_row_costs_only_its_tenant_until_it_is_reset(tmp_path, caplog, damage):
    path = tmp_path / "state.sqlite"
    stored_tenant(path)
    row = rows(path)["victim"]
    put_row(path, "victim", damage(row))
    app = make_app(state_file=path)
    victim, bystander = client_for(app, "victim"), client_for(app, "bystander")

    with caplog.at_level(logging.ERROR, logger="mockserver"):
        refused = {
            "loop-comms": victim.post(f"{BASE}/cmp_scheduled/cancel"),
            "bsg": victim.get("/bsg/api/campaigns/1"),
            "state": victim.get("/__mock/state"),
            "clock": victim.post("/__mock/clock", json={"advance": 5}),
        }
    for name, response in refused.items():
        assert response.status_code == 500, name
        assert response.headers["content-type"] == "application/json", name
        assert "/__mock/reset" in response.json()["message"], name
    assert refused["loop-comms"].json()["error"] == "internal_error"
    logged = [r.getMessage() for r in caplog.records if "stored state unreadable" in r.getMessage()]
    assert logged and "POST /__mock/reset" in logged[0] and "victim" not in logged[0]  # named by a hash
    assert rows(path)["victim"] == damage(row)  # nothing written over it until the reset
    assert bystander.get("/__mock/state").json()["loop-comms"]["campaigns"]  # the others are unaffected

    assert victim.post("/__mock/reset").status_code == 200
    assert victim.post(f"{BASE}/cmp_draft/cancel").status_code == 200
    again = client_for(make_app(state_file=path), "victim")  # the reset replaced the row
    assert {c["id"]: c["status"] for c in again.get("/__mock/state").json()["loop-comms"]["campaigns"]}[
        "cmp_draft"] == "cancelled"


def foreign_sqlite(path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")


def pickled_state_file(path) -> None:
    """What an older mockserver wrote: tenants pickled, no format version."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tenants (token TEXT PRIMARY KEY, state BLOB NOT NULL)")
        db.execute("INSERT INTO tenants VALUES ('t', ?)", (pickle.dumps({}),))


@pytest.mark.parametrize("make, reason", [
    (lambda path: path.write_bytes(bytes(range(256)) * 16), "file is not a database"),
    (foreign_sqlite, "not a mockserver state file"),
    (pickled_state_file, "not a mockserver state file"),
    (lambda path: path.mkdir(), "cannot be used as a state file"),
    (lambda path: None, "does not exist"),
], ids=["garbage", "foreign sqlite", "pickled by an older mockserver", "a folder", "missing folder"])
def test_a_file_that_is_not_ours_stops_the_app(tmp_path, make, reason):
    path = tmp_path / "state.sqlite"
    if reason == "does not exist":
        path = tmp_path / "no-such-folder" / "state.sqlite"
    make(path)
    with pytest.raises(StateFileError, match=reason) as refused:
        make_app(state_file=path)
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("where", ["garbage", "missing folder"])
def test_the_command_refuses_a_bad_state_file_in_one_line(tmp_path, where):
    path = tmp_path / "state.sqlite"
    if where == "garbage":
        path.write_bytes(b"\x00garbage" * 100)
    else:
        path = tmp_path / "missing" / "state.sqlite"
    done = subprocess.run([sys.executable, "-m", "mockserver", "--port", "1", "--state-file", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], lines
    assert "Traceback" not in done.stderr
