"""The pytest plugin consumers get by installing mockserver (entry point `pytest11`): a session-wide
server on a free loopback port, and per test a `mockserver` handle with a fresh token, so every test is
its own tenant (isolated, and safe in parallel under pytest-xdist: each worker runs its own server).

    def test_cancel(mockserver):
        sdk = MySdk(base_url=mockserver.url("loop-comms"), token=mockserver.token)
        ...

The server's settings come from the ini file or the command line (mockserver.pytest_settings);
`mockserver_url` uses a server that is already running instead. To run the server some other way,
override the session fixture `mockserver_server` in your conftest.py with one that yields an object
with a `base_url` (docs/consumer-harness.md).
"""

import hashlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from mockserver import coverage, pytest_coverage, pytest_settings
from mockserver.app import create_app
from mockserver.client import MockClient, MockError
from mockserver.receiver import CallbackReceiver
from mockserver.settings import Settings


class RunningServer:
    """mockserver in a background thread, serving real HTTP on 127.0.0.1."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "RunningServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("mockserver did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class ExternalServer:
    """A mockserver someone else runs (`mockserver_url`): used as it is, never started or stopped here."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.settings: Settings | None = None  # that server's own, unknown here


def pytest_addoption(parser: pytest.Parser) -> None:
    pytest_coverage.add_options(parser)
    pytest_settings.add_options(parser)


COVERAGE_PLUGIN = "mockserver-coverage"


def pytest_configure(config: pytest.Config) -> None:
    # A bad setting stops the run at once, in one line (exit 4), not as an error of every test.
    if pytest_settings.server_url(config) is None:
        pytest_settings.settings(config)
    config.pluginmanager.register(pytest_coverage.CoverageReporter(config), COVERAGE_PLUGIN)


def _coverage_token(server: Any) -> str:
    tokens = server.settings.tokens if server.settings is not None else ()
    return tokens[0] if tokens else "mockserver-coverage"


@pytest.fixture(scope="session")
def mockserver_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """The session's server: anything with a `base_url` (and `settings`, or None) will do."""
    url = pytest_settings.server_url(pytestconfig)
    if url is None:
        with RunningServer(pytest_settings.settings(pytestconfig)) as running:
            yield running
        return
    server = ExternalServer(url)
    try:
        MockClient(url, token=_coverage_token(server)).health()
    except (OSError, MockError) as error:
        raise pytest.UsageError(f"mockserver_url = {url}: no mockserver answers there ({error})") from None
    yield server


@pytest.fixture(scope="session")
def mockserver_session_coverage(mockserver_server: Any, pytestconfig: pytest.Config) -> Iterator[None]:
    """What the session exercised on its server, whoever started it: the server's report at the end
    minus what it had already seen at the start. Torn down before the server it depends on stops."""
    reporter = pytestconfig.pluginmanager.get_plugin(COVERAGE_PLUGIN)
    if reporter is None or not reporter.wanted:
        yield
        return
    client = MockClient(mockserver_server.base_url, token=_coverage_token(mockserver_server))
    before = client.coverage(scope="server")
    yield
    reporter.add(coverage.subtract(client.coverage(scope="server"), before))


@pytest.fixture
def mockserver(mockserver_server: Any, mockserver_session_coverage: None,
               request: pytest.FixtureRequest) -> MockClient:
    """A fresh tenant on the session's server: its own campaigns, clock, journal and faults. With
    `mockserver_tokens` the server takes only those: every test gets the first, reset before it runs.
    With `mockserver_seed` a test's token comes from its node id, so its ids repeat from run to run."""
    settings = getattr(mockserver_server, "settings", None)
    if settings is not None and settings.tokens:
        client = MockClient(mockserver_server.base_url, token=settings.tokens[0])
        client.reset()
        return client
    if settings is not None and settings.seed is not None:
        token = "test-" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:32]
        client = MockClient(mockserver_server.base_url, token=token)
        client.reset()  # a rerun of the same test starts from the fixtures too
        return client
    return MockClient(mockserver_server.base_url, token=f"test-{uuid.uuid4().hex}")


@pytest.fixture
def mockserver_callbacks() -> Iterator[CallbackReceiver]:
    """A webhook for this test: `.url` (an HTTP server on 127.0.0.1) to give the mock as a callback URL,
    e.g. `mockserver.settings("bsg", rcs_callback_url=mockserver_callbacks.url)`, and `.got`, the bodies it
    received in order (`.wait_for(n)` waits for n of them): what the test's own webhook would have seen."""
    with CallbackReceiver() as receiver:
        yield receiver
