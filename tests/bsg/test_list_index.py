"""The BSG campaign list is served from indexes kept on every write (issue 17, point 2). Whatever the writes
(control-plane puts that change the type, the date, the sender or the status, deletes, sends, stops, the
clock moving campaigns on), a page must be the one the whole collection, filtered, searched and sorted as
documented, gives: the test's model is the tenant's
full state (GET /__mock/state) filtered and sorted here."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app, examples

APP = make_app()
# The fixtures' campaigns (created 2026-01-05, every status) fall in the default window of three months.
NOW = "2026-03-01T00:00:00Z"
DATES = ["2025-12-01 00:00:00", "2026-01-20 10:00:00", "2026-02-28 23:59:59", "2026-02-27 12:00:00",
         "2026-02-27T12:00:00+02:00", "2025-09-01 00:00:00"]
SORTS = {"id": "id", "sender": "sender", "type": "message_type", "date": "created_at", "status": "status"}
SEARCHED = ("name", "sender", "status")

# Statuses change in place (a stop), by a put, and by the clock (a send's campaign goes from moderation to
# sending to done): the status order and a search must see them as they are now.
writes = st.lists(st.one_of(
    st.tuples(st.just("put"), st.integers(1, 12), st.fixed_dictionaries({}, optional={
        "message_type": st.sampled_from(["rcs", "sms"]), "created_at": st.sampled_from(DATES),
        "sender": st.sampled_from(["a_sender", "b_sender", "mock_agent"]),
        "status": st.sampled_from(["sending", "paused", "stopped"])})),
    st.tuples(st.just("delete"), st.integers(1, 12), st.just({})),
    st.tuples(st.just("send"), st.integers(1, 3), st.just({})),
    st.tuples(st.just("stop"), st.integers(1, 14), st.just({})),
    st.tuples(st.just("advance"), st.sampled_from([30, 60.01, 61, 3600]), st.just({}))), max_size=25)
queries = st.fixed_dictionaries({}, optional={
    "filter[type]": st.sampled_from(["rcs", "rcs", "sms"]), "sort": st.sampled_from(sorted(SORTS)),
    "way": st.sampled_from(["asc", "desc"]), "page[offset]": st.integers(0, 12),
    "page[limit]": st.sampled_from([30, 31]),
    "filter[from]": st.sampled_from(["2026-01-01 00:00:00", "2026-02-28 23:59:59"]),
    "filter[to]": st.sampled_from(["2026-02-01 00:00:00", "2026-02-27 12:00:00"]),
    "search": st.tuples(st.sampled_from(SEARCHED), st.sampled_from(["a", "S", "ing", "mock", "zz"]))})


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def expected(campaigns: list[dict], query: dict, now: str) -> tuple[list[int], int]:
    until = _moment(query.get("filter[to]", now))
    # Three months back by default (every `until` here is in February or March, on a day November and
    # December also have).
    back = until.replace(year=until.year - 1, month=until.month + 9)
    since = _moment(query["filter[from]"]) if "filter[from]" in query else back
    kind = query.get("filter[type]", "sms")
    found = [c for c in campaigns if c["message_type"] == kind and since <= _moment(c["created_at"]) <= until
             and query.get("search[value]", "").lower() in str(c.get(query.get("search[field]"), "")).lower()]
    key = SORTS[query.get("sort", "id")]
    found.sort(key=lambda c: (c[key], c["id"]), reverse=query.get("way", "asc") == "desc")
    offset, limit = query.get("page[offset]", 0), query.get("page[limit]", 50)
    return [c["id"] for c in found[offset:offset + limit]], len(found)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(writes, queries)
# The clock moves the two sent campaigns from moderation to done while nobody looks: the list must see it.
@example([("send", 2, {}), ("send", 1, {}), ("advance", 61, {})], {"filter[type]": "rcs", "sort": "status"})
@example([("send", 2, {}), ("advance", 61, {})], {"filter[type]": "rcs", "search": ("status", "done")})
def test_a_page_is_the_one_the_whole_collection_gives(steps, query):
    client = client_for(APP, "bsg-list-index")
    client.post("/__mock/reset")
    client.post("/__mock/clock", json={"freeze": True, "now": NOW})
    for kind, number, fields in steps:
        if kind == "put":
            client.put(f"/__mock/bsg/campaigns/{number}", json=fields)
        elif kind == "delete":
            client.delete(f"/__mock/bsg/campaigns/{number}")
        elif kind == "send":  # an RCS campaign with recipients: one the clock moves
            phones = [{"number": f"44770090000{k}"} for k in range(number)]
            assert client.post("/bsg/api/campaigns/rcs/send", json={
                "phones": phones, "sender": "s_sender", "options": {"text": "Hi"}}).status_code == 200
        elif kind == "stop":  # refused (422) where the status does not allow it: fine
            client.put(f"/bsg/api/campaigns/{number}/stop")
        else:
            client.post("/__mock/clock", json={"advance": number})
    query = dict(query)  # an explicit example's dict is not to be changed
    if "search" in query:
        query["search[field]"], query["search[value]"] = query.pop("search")
    # The list is asked first: the state read afterwards shows every campaign as the clock has moved it,
    # which is what the list must have seen (the clock is frozen).
    answer = client.get("/bsg/api/campaigns", params=query)
    assert answer.status_code == 200, answer.text
    campaigns = client.get("/__mock/state").json()["bsg"]["campaigns"]
    ids, total = expected(campaigns, query, client.get("/__mock/clock").json()["now"])
    assert [c["id"] for c in answer.json()["data"]] == ids
    assert answer.json()["meta"]["page"]["total"] == total
