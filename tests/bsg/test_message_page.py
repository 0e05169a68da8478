"""GET /api/messages in id order pages without making every message (issue 17, point 2): a page must be
the slice of every message of the window's campaigns sorted by id, whatever the campaigns' sizes, the
offset, the limit and the direction. The model: every campaign's messages made one by one
(messages.messages, the provider's rule for a campaign's messages), sorted by id here."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.providers.bsg import messages
from tests.support import client_for, make_app

APP = make_app()
B = "/bsg/api"
TOKEN = "bsg-message-page"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, 12), min_size=1, max_size=5), st.integers(0, 45), st.sampled_from([15, 16, 17]), st.booleans(),
       st.integers(0, 130))
def test_an_id_ordered_page_is_the_slice_of_every_message(sizes, offset, limit, descending, seconds):
    client = client_for(APP, TOKEN)
    client.post("/__mock/reset")
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    for campaign, size in enumerate(sizes):
        phones = [{"number": f"4477009{campaign:02d}{k:03d}"} for k in range(size)]
        answer = client.post(f"{B}/campaigns/rcs/send", json={"phones": phones, "sender": "s", "options": {"text": "Hi"}})
        assert answer.status_code == 200, answer.text
    client.post("/__mock/clock", json={"advance": seconds})  # some moderated, some sending
    query = {"page[offset]": offset, "page[limit]": limit, "sort": "id", "way": "desc" if descending else "asc"}
    answer = client.get(f"{B}/messages", params=query)
    assert answer.status_code == 200, answer.text
    backend = APP.state.runtime.tenants.get(TOKEN).backends["bsg"]
    every = sorted((m for c in backend.campaigns for m in messages.messages(c)), key=lambda m: m.id,
                   reverse=descending)
    assert answer.json()["data"] == [m.render() for m in every[offset:offset + limit]]
    assert answer.json()["meta"]["page"]["total"] == len(every)
