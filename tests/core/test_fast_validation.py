"""jsonschema-rs answers every contract check on the hot path; jsonschema (the reference implementation)
explains refusals. The two must agree, on every schema of every contract: valid data (every fixture
entity, every request body schemathesis makes for every operation), mutations of it, and arbitrary JSON."""

import copy

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import client_for, make_app, examples

APP = make_app()
RUNTIME = APP.state.runtime


def _schemas():
    for api_id, contract in RUNTIME.contracts.items():
        yield f"{api_id} error", contract.error_schema
        for op in contract.operations:
            if op.body is not None:
                yield f"{api_id} {op.operation_id} body", op.body
            for param in op.parameters:
                yield f"{api_id} {op.operation_id} {param.name}", param.schema
            for status, schema in op.responses.items():
                if schema is not None:
                    yield f"{api_id} {op.operation_id} {status}", schema


SCHEMAS = dict(_schemas())


def _real_instances():
    client = client_for(APP, "fast-validation")
    found = []
    for provider in client.get("/__mock/state").json().values():
        for entities in provider.values():
            found += entities
            found += [{"data": entity} for entity in entities[:3]]
            found += [{"campaign": entity} for entity in entities[:3]]
    found += [{"error": "x", "message": "y"}, {"message": "Unauthenticated."}, {"data": []}, {"items": []}]
    return found


REAL = _real_instances()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01 10:00:00",
                                             "3c90c3cc-0d44-4b50-8888-8dd25736052a", "3C90C3CC-0D44-4B50-8888-8DD25736052A",
                                             "draft", "sent", "manual", "email", "12:30", "24:00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12)


@st.composite
def mutated(draw, instance):
    value = copy.deepcopy(instance)
    node = value
    for _ in range(draw(st.integers(0, 3))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node)) if isinstance(node, list) else []
        if not children:
            break
        key, child = draw(st.sampled_from(children))
        action = draw(st.sampled_from(["drop", "replace", "descend"]))
        if action == "drop" and isinstance(node, dict):
            del node[key]
            return value
        if action == "replace":
            node[key] = draw(json_values)
            return value
        node = child
    return value


instances = st.one_of(json_values, st.sampled_from(REAL), st.sampled_from(REAL).flatmap(mutated))


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(sorted(SCHEMAS)), instance=instances)
def test_fast_and_reference_validators_agree(name, instance):
    schema = SCHEMAS[name]
    assert schema.is_valid(instance) == schema.reference.is_valid(instance), (name, instance)


def _generated_bodies():
    for api in RUNTIME.apis:
        loaded = schemathesis.openapi.from_asgi(f"{api.prefix}/openapi.json", APP)
        for op in RUNTIME.contracts[api.id].operations:
            if op.body is not None:
                yield op, loaded.find_operation_by_id(op.operation_id)


BODIES = list(_generated_bodies())


@settings(max_examples=examples(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), index=st.integers(0, len(BODIES) - 1))
def test_they_agree_on_request_bodies_schemathesis_makes(data, index):
    op, loaded = BODIES[index]
    case = data.draw(loaded.as_strategy())
    assert op.body.is_valid(case.body) == op.body.reference.is_valid(case.body), (op.operation_id, case.body)


def test_every_contract_schema_is_covered():
    assert len(SCHEMAS) > 100 and {name.split()[0] for name in SCHEMAS} == set(RUNTIME.contracts)
