"""schemathesis against each provider's own OpenAPI document, in process, all default checks. One test
per provider is generated from the providers the app discovers, so a new provider is fuzzed at once.
The app accepts a fixed token list so the ignored_auth check sees real refusals."""

import tomllib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mockserver.resources import schemathesis_config
from tests.support import make_app, examples

TOKEN = "schemathesis"
APP = make_app(tokens=(TOKEN,))


# The schemathesis settings mockserver ships (what `mockserver --schemathesis-config` names for
# `schemathesis run`: per-operation statuses a schema cannot predict), plus credentials through
# schemathesis's own auth config (not extra headers), so the cases it generates without them really go
# without them.
PROJECT = tomllib.loads(schemathesis_config().read_text())
CONFIG = SchemathesisConfig.from_dict({**PROJECT, "auth": {"openapi": {"bearer": {"bearer": TOKEN}}}})


def _fuzz_test(prefix: str):
    schema = schemathesis.openapi.from_asgi(f"{prefix}/openapi.json", APP, config=CONFIG)

    @schema.parametrize()
    @settings(max_examples=examples(15), deadline=None, suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.call_and_validate()

    return fuzz


for _api in APP.state.runtime.apis:
    globals()[f"test_{_api.id.replace('-', '_')}"] = _fuzz_test(_api.prefix)


@pytest.fixture(scope="module", autouse=True)
def no_contract_violations_while_fuzzing():
    # Checked when the module's tests are done, on whichever worker ran them (the module's tests are spread
    # over pytest-xdist's workers, each with its own APP): strict mode would fail the case itself, this
    # also catches a violation a case swallowed.
    yield
    assert APP.state.runtime.violations.total == 0, dict(APP.state.runtime.violations.counts)
