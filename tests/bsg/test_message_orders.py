"""GET /api/messages by phone, by delivery, and filtered by reference, without making every message: a
page must be the slice of every message of the window's campaigns, filtered (campaign, id, reference),
sorted by the key then by id in the way asked, whatever the recipients (numbers and references repeated
within and across campaigns, none at all), the clock (stretches cut by a pause or a stop), the offset and
the limit. The model: every campaign's messages made one by one (messages.messages, the provider's rule for
a campaign's messages), filtered and sorted here."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockserver.providers.bsg import messages
from tests.support import client_for, examples, make_app

APP = make_app()
B = "/bsg/api"
TOKEN = "bsg-message-orders"
START = datetime(2026, 3, 1, 10, 0, 0)
NUMBERS = ["447700900003", "447700900001", "447700900002", "4477009000010", "12ab56789", "447700900001x",
           "447700900009", "3861234567", "447700900000", "99999999999", "447700900004", "447700900005",
           "4477009000", "447700900006"]
REFERENCES = ["a", "b", "a", "b", "ab", "B1"]  # a and b often, so a reference picks several

# Groups repeat references within a campaign (a send refuses that); both repeat numbers across campaigns.
contact = st.builds(lambda number, reference, rcs: {"number": number, **reference, **rcs}, st.sampled_from(NUMBERS),
                    st.sampled_from([{}, *({"reference_id": r} for r in REFERENCES)]),
                    st.sampled_from([{}, {"rcs": False}, {"rcs": True}]))
group = st.tuples(st.just("group"), st.lists(contact, min_size=4, max_size=20))
phones = st.tuples(st.just("send"), st.lists(contact, min_size=2, max_size=8, unique_by=lambda c: c["number"]).map(
    lambda found: [c if c.get("reference_id") not in [d.get("reference_id") for d in found[:i]]
                   else {"number": c["number"]} for i, c in enumerate(found)]))
# Pausing (a control-plane PUT) and renewing give a campaign several sending stretches; 60.05 s is moderation
# (60 s) and five recipients at 100 a second, 0.03 s three more: calls that land in the middle of a sending.
clock = st.one_of(st.tuples(st.just("advance"), st.sampled_from([0.03, 0.5, 1, 30, 60.05, 61, 3600])),
                  st.tuples(st.sampled_from(["stop", "pause", "renew"]), st.integers(0, 9)))
steps = st.lists(st.one_of(group, phones), min_size=3, max_size=7).flatmap(
    lambda made: st.lists(clock, max_size=4).flatmap(lambda moved: st.permutations(made + moved)))
queries = st.builds(
    lambda *items: {name: value for name, value in zip(QUERY, items) if value is not None},
    st.sampled_from(["id", "phone", "delivered"]), st.sampled_from(["asc", "desc"]),
    st.one_of(st.just(0), st.integers(0, 3), st.integers(0, 40)), st.sampled_from([15, 16, 17]),
    st.one_of(st.none(), st.sampled_from([*REFERENCES, "zz"])),
    st.one_of(st.none(), st.none(), st.none(), st.integers(1, 60)),
    st.one_of(st.none(), st.none(), st.integers(0, 6)),
    st.one_of(st.none(), st.none(), st.sampled_from([1, 30, 3600])))
QUERY = ("sort", "way", "page[offset]", "page[limit]", "filter[reference_id]", "filter[id]", "filter[campaign_id]",
         "filter[from]")


def _delivered_key(m: messages.Message) -> tuple:
    delivered = m.status in {"delivered", "read"} and m.handled_at is not None
    return delivered, m.handled_at or datetime.min.replace(tzinfo=UTC)


def expected(backend, query: dict) -> tuple[list[dict], int]:
    since = query.get("filter[from]", "2025-12-01 00:00:00")
    every = [m for c in backend.campaigns if c.recipients is not None and c.created_at >= since
             and query.get("filter[campaign_id]", c.id) == c.id for m in messages.messages(c)]
    every = [m for m in every if query.get("filter[id]", m.id) == m.id
             and query.get("filter[reference_id]", m.reference) == m.reference]
    keys = {"id": lambda m: (), "phone": lambda m: (m.number,), "delivered": _delivered_key}
    key = keys[query["sort"]]
    every.sort(key=lambda m: (*key(m), m.id), reverse=query["way"] == "desc")
    offset, limit = query["page[offset]"], query["page[limit]"]
    return [m.render() for m in every[offset:offset + limit]], len(every)


DELIVERED = [{"sort": "delivered", "way": way, "page[offset]": 0, "page[limit]": 15} for way in ("asc", "desc")]


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.lists(queries, min_size=1, max_size=5))
# The first campaign is paused after five of its eight messages, the second sends all four of its own, then
# the first is renewed: its last three are handled after the second's, in a stretch of their own.
@example([("send", [{"number": n} for n in NUMBERS[:8]]), ("advance", 60.05), ("pause", 0),
          ("send", [{"number": n} for n in NUMBERS[8:12]]), ("advance", 61), ("renew", 0), ("advance", 3600)],
         DELIVERED)
def test_a_page_by_phone_delivery_or_reference_is_the_slice_of_every_message(done, asked):
    client = client_for(APP, TOKEN)
    client.post("/__mock/reset")
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    backend = APP.state.runtime.tenants.get(TOKEN).backends["bsg"]
    created, elapsed = [], 0
    for action, arg in done:
        if action == "group":
            backend.groups[900 + len(created)] = arg  # the fixtures' groups, for this tenant only
            body = {"groups": [900 + len(created)], "sender": "s", "options": {"text": "Hi"}}
            answer = client.post(f"{B}/campaigns/rcs/send-groups", json=body)
        elif action == "send":
            answer = client.post(f"{B}/campaigns/rcs/send", json={"phones": arg, "sender": "s", "options": {"text": "Hi"}})
        elif action == "advance":
            client.post("/__mock/clock", json={"advance": arg})
            elapsed += arg
            continue
        else:  # refused (422) where the campaign's status does not allow it: fine
            if created:
                campaign_id = created[arg % len(created)]
                if action == "pause":
                    client.put(f"/__mock/bsg/campaigns/{campaign_id}", json={"status": "paused"})
                else:
                    client.put(f"{B}/campaigns/{campaign_id}/{action}")
            continue
        assert answer.status_code == 200, answer.text
        created.append(answer.json()["data"]["id"])
    for query in asked:
        if "filter[campaign_id]" in query:  # one of those made here (the fixtures' have no recipients)
            query["filter[campaign_id]"] = created[query["filter[campaign_id]"] % len(created)]
        if "filter[from]" in query:  # seconds after the start: only a moment already past (a future one is a 422)
            seconds = query.pop("filter[from]")
            if seconds <= elapsed:
                query["filter[from]"] = f"{START + timedelta(seconds=seconds):%Y-%m-%d %H:%M:%S}"
        answer = client.get(f"{B}/messages", params=query)
        assert answer.status_code == 200, answer.text
        page, total = expected(backend, query)
        assert answer.json()["data"] == page
        assert answer.json()["meta"] == {"page": {"total": total, "limit": query["page[limit]"],
                                                  "offset": query["page[offset]"]}}
    assert APP.state.runtime.violations.total == 0
