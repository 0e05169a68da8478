"""docs/fixtures.md: each provider's example is a fixture file the server starts from, and a tenant then
holds exactly the entities it names, with the documented defaults filled in."""

import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from tests.support import make_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "fixtures.md"


def examples() -> dict[str, dict]:
    text = DOC.read_text()
    found = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        provider = re.search(r"\(`([\w-]+)\.json`\)", section.splitlines()[0]).group(1)
        [block] = re.findall(r"```json\n(.*?)```", section, re.S)
        found[provider] = json.loads(block)
    return found


def test_every_provider_has_an_example_that_the_server_starts_from(tmp_path):
    documented = examples()
    assert set(documented) == {"loop-comms", "loop-messaging", "commcom", "bsg"}
    for provider, document in documented.items():
        (tmp_path / f"{provider}.json").write_text(json.dumps(document))
    with TestClient(make_app(fixtures_dir=tmp_path), headers={"Authorization": "Bearer doc"}) as client:
        state = client.get("/__mock/state").json()
        for provider, document in documented.items():
            for collection, entities in document.items():
                if collection in state[provider]:
                    ids = [str(e["id"]) for e in state[provider][collection]]
                    assert ids == [str(e["id"]) for e in entities], (provider, collection)
        # a few of the defaults the page promises
        [draft] = [c for c in state["loop-messaging"]["campaigns"] if c["id"] == "msg_draft"]
        assert (draft["status"], draft["description"]) == ("draft", None)
        first = client.get("/__mock/bsg/campaigns/1").json()
        assert (first["status"], first["message_type"], first["statistics"]) == ("creation", "rcs",
                                                                                {"delivered": 0, "sent": 0})
        send = client.get("/__mock/commcom/sends/5e2d7c40-8a3b-4f19-b6e2-0d4c9a7e1001").json()
        assert send["meta"]["multistep_data"]["step_size"] == 200  # from its campaign's meta
