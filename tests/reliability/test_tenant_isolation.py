"""Whatever tenant A does, tenant B's state, clock, journal and faults stay as they were, and A cannot
read them. Tenants are bounded: a client inventing a token per request cannot exhaust memory."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.support import client_for, make_app, examples

APP = make_app()
PROVIDERS = APP.state.runtime.providers
COLLECTIONS = [(pid, collection) for pid, provider in PROVIDERS.items() for collection in provider.collections]
FAULTABLE = [(pid, op.operation_id, status) for pid in PROVIDERS for op in APP.state.runtime.contracts[pid].operations
             for status in op.responses if status >= 500]

def _secret_id(pid: str, collection: str) -> str:
    """An id B owns, of the type the collection's ids have."""
    match = APP.state.runtime.contracts["control"].match("GET", f"/{pid}/{collection}/1")
    schema = match.operation.parameters[0].schema.source
    if schema.get("format") == "uuid":
        return "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"
    return "424242" if schema.get("type") == "integer" else "b-only-entity"


B_MARKER = "b-marker"
SECRET = {(pid, collection): _secret_id(pid, collection) for pid, collection in COLLECTIONS}


def _observe(client) -> dict:
    return {path: client.get(f"/__mock/{path}").json() for path in ("state", "clock", "requests", "faults")}


class TenantIsolation(RuleBasedStateMachine):
    @initialize()
    def two_tenants(self):
        self.token = f"a-{id(self)}"
        self.a = client_for(APP, self.token)
        self.b = client_for(APP, f"b-{id(self)}")
        self.b.post("/__mock/reset")
        self.b.post("/__mock/clock", json={"freeze": True})
        # B owns something recognisable in every collection, and has a journal and a fault.
        for (pid, collection), entity_id in SECRET.items():
            assert self.b.put(f"/__mock/{pid}/{collection}/{entity_id}", json={}).status_code == 200
        self.b.get(f"/loop-comms/v1/admin/campaigns/{B_MARKER}/history")  # a call A never makes
        self.b.post("/__mock/faults", json={"provider": "loop-comms", "operationId": "sendCampaign", "status": 500,
                                            "times": None, "match": {"params": {"id": B_MARKER}}})
        self.b_before = _observe(self.b)

    @rule(where=st.sampled_from(COLLECTIONS), fields=st.sampled_from([{}, {"name": "x"}]))
    def a_puts_an_entity_under_bs_id(self, where, fields):
        pid, collection = where
        self.a.put(f"/__mock/{pid}/{collection}/{SECRET[where]}", json=fields)

    @rule(path=st.sampled_from(["/loop-comms/v1/admin/campaigns/cmp_draft/cancel",
                                "/loop-comms/v1/admin/campaigns/cmp_scheduled/send"]))
    def a_moves_a_campaign(self, path):
        self.a.post(path, json={"recipients": [{"person_id": "p", "recipient": "x@example.com"}]})

    @rule(fixtures=st.booleans())
    def a_resets(self, fixtures):
        self.a.post("/__mock/reset", params={"fixtures": str(fixtures).lower()})

    @rule(body=st.sampled_from([{"freeze": True}, {"freeze": False}, {"advance": 3600}, {"now": "2030-01-01T00:00:00Z"}]))
    def a_moves_its_clock(self, body):
        self.a.post("/__mock/clock", json=body)

    @rule(fault=st.sampled_from(FAULTABLE))
    def a_arms_a_fault(self, fault):
        pid, operation_id, status = fault
        self.a.post("/__mock/faults", json={"provider": pid, "operationId": operation_id, "status": status})

    @rule()
    def a_clears_its_journal_and_faults(self):
        self.a.delete("/__mock/requests")
        self.a.delete("/__mock/faults")

    @invariant()
    def b_is_untouched(self):
        if hasattr(self, "b_before"):
            assert _observe(self.b) == self.b_before

    @invariant()
    def a_never_reads_b(self):
        if hasattr(self, "a"):
            seen = _observe(self.a)
            # B's journal entry and B's fault (A never uses B_MARKER, nor a match) are nowhere A can read.
            assert not any(B_MARKER in entry["path"] for entry in seen["requests"]["requests"])
            assert not any(fault["match"] for fault in seen["faults"]["faults"])


TenantIsolation.TestCase.settings = settings(max_examples=examples(10), stateful_step_count=12, deadline=None,
                                             suppress_health_check=list(HealthCheck))
test_tenant_isolation = TenantIsolation.TestCase


def test_tenants_are_bounded_and_the_oldest_idle_one_goes():
    app = make_app(max_tenants=5)
    for i in range(50):
        client_for(app, f"throwaway-{i}").get("/loop-comms/v1/admin/campaigns/x/history")
    assert len(app.state.runtime.tenants) == 5
    # An evicted tenant comes back as new: from the fixtures.
    first = client_for(app, "throwaway-0")
    assert first.get("/__mock/requests").json()["requests"] == []
