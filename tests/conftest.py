"""Shared test seams: an in-process app in strict contract mode (a response that breaks its contract
becomes a 500 and fails the test that made it), and a client per tenant."""

import uuid
from collections import Counter

import pytest
from starlette.testclient import TestClient

from tests.support import make_app

pytest_plugins = ["pytester"]

# Under pytest-xdist (`-n 2 --dist loadgroup`, the suite's default) a module's tests stay together on one
# worker, in file order: many share a module-scoped server or browser, and some check what the tests before
# them produced. The modules below hold independent, slow tests, so their tests are spread over workers.
SPREAD = {
    "tests/contract/test_schemathesis.py",
    "tests/plugin/test_plugin.py",
    "tests/plugin/test_configuration.py",
    "tests/coverage/test_plugin_coverage.py",
    "tests/core/test_fast_validation.py",
    "tests/core/test_startup_errors.py",
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    # pytest-xdist schedules by node id: of tests sharing one it runs the first and silently drops the rest
    # (under pytest 9.2 every schemathesis operation of a provider got the same id, and 62 went unrun).
    shared = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if shared:
        raise pytest.UsageError(f"{len(shared)} node ids are shared by several tests, which pytest-xdist "
                                f"would not all run: {', '.join(shared[:5])}")
    for item in items:
        module = item.nodeid.split("::")[0]
        if module not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(module))


@pytest.fixture
def app():
    app = make_app()
    yield app
    # Every response the test provoked passed its contract.
    assert app.state.runtime.violations.total == 0, dict(app.state.runtime.violations.counts)


@pytest.fixture
def token() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def client(app, token):
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def anonymous(app):
    with TestClient(app) as client:
        yield client
