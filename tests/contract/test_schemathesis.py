"""schemathesis against each provider's own OpenAPI document, in process, all default checks. One test
per provider is generated from the providers the app discovers, so a new provider is fuzzed at once.
The app accepts a fixed token list so the ignored_auth check sees real refusals."""

import schemathesis
from hypothesis import HealthCheck, settings

from tests.support import make_app

TOKEN = "schemathesis"
APP = make_app(tokens=(TOKEN,))


def _fuzz(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})


for _provider in APP.state.runtime.providers.values():
    _schema = schemathesis.openapi.from_asgi(f"{_provider.prefix}/openapi.json", APP)
    _name = f"test_{_provider.id.replace('-', '_')}"
    globals()[_name] = _schema.parametrize()(
        settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))(_fuzz))


def test_no_contract_violations_while_fuzzing():
    # Runs after the fuzz tests in this module (pytest keeps file order).
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
