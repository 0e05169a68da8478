"""--record: what real 2xx answers reveal becomes fixtures a plain mock starts from; entities the mock could
not hold are left out, with the reason in the log."""

import json
import logging
import uuid

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from tests.proxy.conftest import CAMPAIGN, ENTITY_SECRET



def through(upstreams, record_dir):
    """A proxy; its token is a new tenant of the (shared) conforming upstream, which starts from fixtures."""
    app = create_app(Settings(strict=True, fixtures_dir=None, upstreams=upstreams, record_dir=record_dir,
                              upstream_timeout=3))
    return TestClient(app, headers={"Authorization": f"Bearer recording-{uuid.uuid4().hex}"})


@pytest.fixture
def recorded(tmp_path, conforming):
    """Traffic through a proxy to a conforming upstream: a BSG campaign read, listed and stopped, a commcom
    campaign created and read, a loop-messaging list."""
    upstreams = (("bsg", f"{conforming.url}/bsg"), ("commcom", f"{conforming.url}/commcom/api"),
                 ("loop-messaging", f"{conforming.url}/loop-messaging"))
    seen = {}
    with through(upstreams, tmp_path) as client:
        seen["bsg 1"] = client.get("/bsg/api/campaigns/1").json()["data"]
        seen["bsg list"] = client.get("/bsg/api/campaigns", params={"filter[type]": "rcs"}).json()["data"]
        seen["bsg 2 stopped"] = client.put("/bsg/api/campaigns/2/stop").json()["data"]  # was moderation
        created = client.post("/commcom/api/v1/sms/campaigns", json={"name": "recorded"}).json()["data"]
        seen["commcom created"] = client.get(f"/commcom/api/v1/sms/campaigns/{created['id']}").json()["data"]
        seen["messaging"] = client.get("/loop-messaging/v1/messaging/campaigns",
                                       params={"brand_id": "brand_acme"}).json()["items"]
        assert client.get("/__mock/drift").json()["drift"] == []
    return tmp_path, seen


def test_recorded_entities_are_fixtures_merged_by_id(recorded):
    folder, seen = recorded
    bsg = json.loads((folder / "bsg.json").read_text())
    ids = [c["id"] for c in bsg["campaigns"]]
    assert len(ids) == len(set(ids))  # merged by id: campaigns 1 and 2 were seen twice
    assert set(ids) == {c["id"] for c in seen["bsg list"]} | {1, 2}
    by_id = {c["id"]: c for c in bsg["campaigns"]}
    assert by_id[2] == seen["bsg 2 stopped"]  # the latest answer wins
    commcom = json.loads((folder / "commcom.json").read_text())
    assert seen["commcom created"] in commcom["campaigns"]
    messaging = json.loads((folder / "loop-messaging.json").read_text())
    assert {c["id"] for c in messaging["campaigns"]} == {c["id"] for c in seen["messaging"]}
    assert not (folder / "loop-comms.json").exists()  # not proxied: nothing recorded


def test_a_recording_starts_a_plain_mock_that_serves_the_recorded_entities(recorded):
    folder, seen = recorded
    with TestClient(create_app(Settings(strict=True, fixtures_dir=folder)),
                    headers={"Authorization": "Bearer someone-else"}) as mock:
        assert mock.get("/bsg/api/campaigns/1").json()["data"] == seen["bsg 1"]
        assert mock.get("/bsg/api/campaigns/2").json()["data"]["status"] == "stopped"
        campaign = seen["commcom created"]
        assert mock.get(f"/commcom/api/v1/sms/campaigns/{campaign['id']}").json()["data"] == campaign


def test_entities_the_mock_could_not_hold_are_skipped_with_a_reason(tmp_path, drifted, caplog):
    caplog.set_level(logging.WARNING, logger="mockserver")
    with through((("bsg", drifted.url),), tmp_path) as client:
        assert client.get("/bsg/api/campaigns/7").status_code == 200  # keeps everything: recorded
        assert client.get("/bsg/api/campaigns/8").status_code == 200  # breaks the schema
        assert client.get("/bsg/api/campaigns/6").status_code == 200  # schema-valid, refused by the backend
    kept = json.loads((tmp_path / "bsg.json").read_text())["campaigns"]
    assert kept == [CAMPAIGN]
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("recording: skipped")]
    assert len(skipped) == 2
    assert any("8" in line and "status" in line for line in skipped)
    assert any("6" in line and "delivered" in line for line in skipped)


def test_a_recorded_entity_never_carries_a_credential(tmp_path, drifted):
    with through((("bsg", drifted.url),), tmp_path) as client:
        assert ENTITY_SECRET in client.get("/bsg/api/campaigns/5").text  # the client gets it as it came
    (kept,) = json.loads((tmp_path / "bsg.json").read_text())["campaigns"]
    assert kept["id"] == 5 and kept["webhook"] == {"api_key": "[redacted]"}
    assert ENTITY_SECRET not in (tmp_path / "bsg.json").read_text()


def test_every_declared_recording_names_a_documented_operation_and_a_checked_collection():
    app = create_app(Settings(fixtures_dir=None))
    runtime = app.state.runtime
    for provider in runtime.providers.values():
        operations = runtime.contracts[provider.id].by_id
        for operation_id, (collection, pointer) in provider.records.items():
            assert operation_id in operations, (provider.id, operation_id)
            assert any(200 <= status < 300 for status in operations[operation_id].responses), operation_id
            assert collection in provider.collections, (provider.id, collection)
            assert pointer == "" or pointer.startswith("/"), (provider.id, operation_id, pointer)
