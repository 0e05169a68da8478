"""Helpers shared by every test module: app construction and contract coverage."""

import os

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app


# Generated examples: the suite's budget (under 4 minutes on 2 cores) by default; a longer local run scales
# every Hypothesis and schemathesis count in the suite, e.g. MOCKSERVER_TEST_DEPTH=10 pytest.
DEPTH = float(os.environ.get("MOCKSERVER_TEST_DEPTH", "1"))


def examples(count: int) -> int:
    """`count` examples at the default depth, scaled by MOCKSERVER_TEST_DEPTH."""
    return max(1, round(count * DEPTH))


def make_app(**overrides):
    """An isolated app in strict contract mode: a response that breaks its contract becomes a 500."""
    return create_app(Settings(strict=True, **overrides))


def client_for(app, token: str | None) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, headers=headers)


def documented_outcomes(app, api_id: str, skip=frozenset({500})) -> set[tuple[str, int]]:
    contract = app.state.runtime.contracts[api_id]
    return {(op.operation_id, status) for op in contract.operations for status in op.responses if status not in skip}


def unproduced_outcomes(app, api_id: str, skip=frozenset({500})) -> set[tuple[str, int]]:
    """Documented (operationId, status) pairs this app never answered with."""
    answered = {(op, status) for (api, op, status) in app.state.runtime.answered if api == api_id}
    return documented_outcomes(app, api_id, skip) - answered


class ServerProcess:
    """The real `mockserver` command in a child process on a free loopback port."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.args = ["--port", str(self.port), "--log-level", "warning", *args]
        self.env = env
        self.process = None

    def start(self) -> "ServerProcess":
        import os
        import subprocess
        import sys
        import time

        import httpx

        self.process = subprocess.Popen([sys.executable, "-m", "mockserver", *self.args],
                                        env={**os.environ, **(self.env or {})},
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mockserver exited {self.process.returncode}: {self.process.stdout.read()}")
            try:
                if httpx.get(f"{self.base_url}/__mock/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("mockserver did not become healthy in 20 s")

    def terminate(self, timeout: float = 10) -> int:
        import signal

        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()
        if self.process and self.process.stdout:
            self.process.stdout.close()


def conforms(response, schema: dict) -> dict:
    """The response body, checked against a schema the test holds (copied from a seed, not the server's)."""
    from jsonschema import Draft202012Validator

    body = response.json()
    Draft202012Validator(schema).validate(body)
    return body


def loop_refusal(response, status: int, code: str, schema: dict) -> dict:
    """A Loop platform refusal: the status, the seed's `{error, message}` shape, the error code."""
    assert response.status_code == status, response.text
    body = conforms(response, schema)
    assert body["error"] == code, body
    return body


@pytest.fixture(scope="module")
def strict_module_app():
    """One strict app for a module (import it as `app`), checked for contract violations at the end."""
    app = make_app()
    yield app
    assert app.state.runtime.violations.total == 0, dict(app.state.runtime.violations.counts)


@pytest.fixture
def tenant_per_test(app, request):
    """A client with a tenant of its own per test (import it as `client`): each test starts from the
    fixtures, whatever the tests before it did."""
    return client_for(app, f"contract-{request.node.name}")
