"""The BSG campaign list is served from indexes kept on every write (issue 17, point 2). Whatever the writes
(control-plane puts that change the type, the date or the sender, deletes, creates), a page must be the
one the whole collection, filtered and sorted as documented, gives: the test's model is the tenant's
full state (GET /__mock/state) filtered and sorted here."""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app, examples

APP = make_app()
NOW = "2030-01-15T00:00:00Z"
DATES = ["2029-10-01 00:00:00", "2029-11-20 10:00:00", "2029-12-31 23:59:59", "2030-01-14 12:00:00",
         "2030-01-14T12:00:00+02:00", "2029-06-01 00:00:00"]
SORTS = {"id": "id", "sender": "sender", "type": "message_type", "date": "created_at"}

writes = st.lists(st.one_of(
    st.tuples(st.just("put"), st.integers(1, 12), st.fixed_dictionaries({}, optional={
        "message_type": st.sampled_from(["rcs", "sms"]), "created_at": st.sampled_from(DATES),
        "sender": st.sampled_from(["a_sender", "b_sender", "mock_agent"])})),
    st.tuples(st.just("delete"), st.integers(1, 12), st.just({}))), max_size=25)
queries = st.fixed_dictionaries({}, optional={
    "filter[type]": st.sampled_from(["rcs", "sms"]), "sort": st.sampled_from(sorted(SORTS)),
    "way": st.sampled_from(["asc", "desc"]), "page[offset]": st.integers(0, 12),
    "page[limit]": st.sampled_from([30, 31]),
    "filter[from]": st.sampled_from(["2029-11-01 00:00:00", "2029-12-31 23:59:59"]),
    "filter[to]": st.sampled_from(["2030-01-01 00:00:00", "2030-01-14 12:00:00"])})


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def expected(campaigns: list[dict], query: dict) -> tuple[list[int], int]:
    until = _moment(query.get("filter[to]", NOW))
    # Three months back by default (every `until` here is in January).
    since = _moment(query["filter[from]"]) if "filter[from]" in query else until.replace(year=until.year - 1,
                                                                                            month=10)
    kind = query.get("filter[type]", "sms")
    found = [c for c in campaigns if c["message_type"] == kind and since <= _moment(c["created_at"]) <= until]
    key = SORTS[query.get("sort", "id")]
    found.sort(key=lambda c: (c[key], c["id"]), reverse=query.get("way", "asc") == "desc")
    offset, limit = query.get("page[offset]", 0), query.get("page[limit]", 50)
    return [c["id"] for c in found[offset:offset + limit]], len(found)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(writes, queries)
def test_a_page_is_the_one_the_whole_collection_gives(steps, query):
    client = client_for(APP, "bsg-list-index")
    client.post("/__mock/reset")
    client.post("/__mock/clock", json={"freeze": True, "now": NOW})
    for kind, number, fields in steps:
        if kind == "put":
            client.put(f"/__mock/bsg/campaigns/{number}", json=fields)
        else:
            client.delete(f"/__mock/bsg/campaigns/{number}")
    campaigns = client.get("/__mock/state").json()["bsg"]["campaigns"]
    answer = client.get("/bsg/api/campaigns", params=query)
    assert answer.status_code == 200, answer.text
    ids, total = expected(campaigns, query)
    assert [c["id"] for c in answer.json()["data"]] == ids
    assert answer.json()["meta"]["page"]["total"] == total
