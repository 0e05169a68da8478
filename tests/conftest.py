"""Shared test seams: an in-process app in strict contract mode (a response that breaks its contract
becomes a 500 and fails the test that made it), and a client per tenant."""

import uuid

import pytest
from starlette.testclient import TestClient

from tests.support import make_app

pytest_plugins = ["pytester"]


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
