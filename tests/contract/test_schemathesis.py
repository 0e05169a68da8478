"""schemathesis against each API's own OpenAPI document, in process, all default checks."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import make_app

APP = make_app()

PROVIDERS = [api.prefix for api in APP.state.runtime.providers.values()]


def _schema(prefix: str):
    return schemathesis.openapi.from_asgi(f"{prefix}/openapi.json", APP)


@pytest.mark.parametrize("prefix", PROVIDERS)
def test_provider_schema_loads(prefix):
    assert len(list(_schema(prefix).get_all_operations())) > 0


loop_comms = _schema("/loop-comms")


@loop_comms.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_loop_comms(case):
    case.call_and_validate(headers={"Authorization": "Bearer schemathesis"})
