"""Every call asks whether its tenant has status reports to send (mockserver.callbacks); with BSG that must
not look at every campaign (issue 17: ~38 ms a call at 100,000 campaigns). The campaigns with messages and
those with their own callback URL are kept apart on every write (mockserver.indexes.Members); these tests
check that a call (the messages list too) walks no campaign list, and that the kept sets follow creates, replaces, deletes and
resets as the model says: a campaign has its own callback URL when it was sent by POST
/api/messages/rcs/send with one, until it is deleted."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app, examples

APP = make_app()
RUNTIME = APP.state.runtime
B = "/bsg/api"


class CountingDict(dict):
    """A campaigns mapping that counts every walk over it."""

    walks = 0

    def copied(self, entity_id):  # as an Overlay fetches for writing
        return dict.get(self, entity_id), False

    def _walked(self):
        CountingDict.walks += 1

    def values(self):
        self._walked()
        return super().values()

    def items(self):
        self._walked()
        return super().items()

    def keys(self):
        self._walked()
        return super().keys()

    def __iter__(self):
        self._walked()
        return super().__iter__()


def _backend(client, token):
    client.get("/__mock/clock")
    return RUNTIME.tenants.get(token).backends["bsg"]


def _send(client, callback_url=None):
    body = {"phone": {"number": "447700900001"}, "sender": "s", "options": {"text": "Hi"}}
    if callback_url:
        body["callback_url"] = callback_url
    answer = client.post(f"{B}/messages/rcs/send", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["campaign_id"]


def test_a_call_walks_no_campaign_list():
    client = client_for(APP, "callback-members-walk")
    backend = _backend(client, "callback-members-walk")
    for number in range(1, 200):  # campaigns the clock does not move, as fixtures have them by the thousand
        assert client.put(f"/__mock/bsg/campaigns/{number + 1000}", json={"status": "done"}).status_code == 200
    sent = _send(client, "http://127.0.0.1:9/own")
    backend.campaigns.entities = CountingDict(backend.campaigns.entities)
    CountingDict.walks = 0
    assert client.put(f"{B}/campaigns/{sent}/stop").status_code == 200
    assert client.get(f"{B}/campaigns/1001").status_code == 200
    assert client.post("/__mock/clock", json={"advance": 5}).status_code == 200
    for query in ({}, {"filter[campaign_id]": sent}):  # the messages list looks at campaigns with messages
        answer = client.get(f"{B}/messages", params=query)
        assert answer.status_code == 200 and answer.json()["meta"]["page"]["total"] == 1, answer.text
    assert CountingDict.walks == 0


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.tuples(st.just("send"), st.booleans()),
                          st.tuples(st.just("delete"), st.integers(0, 6)),
                          st.tuples(st.just("replace"), st.integers(0, 6)),
                          st.tuples(st.just("reset"), st.just(0))), max_size=15))
def test_own_callback_urls_are_followed_through_every_write(steps):
    token = "callback-members-model"
    client = client_for(APP, token)
    client.post("/__mock/reset")
    model: dict[int, bool] = {}  # campaign id -> sent with its own callback URL
    for kind, value in steps:
        if kind == "send":
            model[_send(client, "http://127.0.0.1:9/own" if value else None)] = value
        elif kind == "reset":
            client.post("/__mock/reset")
            model = {}
        elif model:
            campaign_id = sorted(model)[value % len(model)]
            if kind == "delete":
                assert client.delete(f"/__mock/bsg/campaigns/{campaign_id}").status_code in (200, 204)
                del model[campaign_id]
            else:  # a replace keeps the campaign's recipients and callback URL
                assert client.put(f"/__mock/bsg/campaigns/{campaign_id}",
                                  json={"name": "renamed"}).status_code == 200
    backend = _backend(client, token)
    assert backend.wants_callbacks() == any(model.values())
    assert backend.campaigns.indexes["own_callback"].ids == {str(i) for i, own in model.items() if own}
