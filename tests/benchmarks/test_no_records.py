"""benchmarks/no_records.py measures the app without its journal and coverage; its figure means that only
if the rest still works (the cancel answered and its state moved) and those two really record nothing."""

import sys
from pathlib import Path

from mockserver.coverage import CoverageBook
from mockserver.journal import Journal
from tests.support import client_for, make_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import no_records  # noqa: E402

CANCEL = "/loop-comms/v1/admin/campaigns/cmp_draft/cancel"


def test_the_experiment_answers_as_the_app_but_records_nothing(monkeypatch):
    # Restored after the test: the experiment patches the classes, as its launcher does for a whole process.
    monkeypatch.setattr(Journal, "record", Journal.record)
    monkeypatch.setattr(CoverageBook, "recording", CoverageBook.recording)
    no_records.switch_off()
    client = client_for(make_app(), "no-records")
    answer = client.post(CANCEL)
    assert answer.status_code == 200 and answer.json()["campaign"]["status"] == "cancelled"
    assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "cancelled"
    assert client.get("/__mock/requests").json()["requests"] == []
    report = client.get("/__mock/coverage").json()
    counted = [row for body in report["providers"].values() for row in body["operations"]
               if any(row["outcomes"].values())]
    assert counted == []
