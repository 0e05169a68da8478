"""The pytest plugin consumers get by installing mockserver (entry point `pytest11`): a session-wide
server on a free loopback port, and per test a `mockserver` handle with a fresh token, so every test is
its own tenant (isolated, and safe in parallel under pytest-xdist: each worker runs its own server).

    def test_cancel(mockserver):
        sdk = MySdk(base_url=mockserver.url("loop-comms"), token=mockserver.token)
        ...
"""

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from mockserver.app import create_app
from mockserver import pytest_coverage
from mockserver.client import MockClient
from mockserver.providers import discover
from mockserver.proxy import parse_upstreams
from mockserver.settings import Settings


class RunningServer:
    """mockserver in a background thread, serving real HTTP on 127.0.0.1."""

    def __init__(self, settings: Settings) -> None:
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


def pytest_addoption(parser: pytest.Parser) -> None:
    pytest_coverage.add_options(parser)
    parser.addini("mockserver_fixtures", "folder of <provider>.json fixtures for the mockserver plugin "
                  "('none' to start empty; default: mockserver's own)", default="")
    parser.addini("mockserver_strict", "answer a broken contract with 500 (default true)", type="bool", default=True)
    parser.addini("mockserver_upstream", "proxy mode: PROVIDER=URL lines (or comma-separated); those providers' "
                  "calls go to their real API and drift is reported at GET /__mock/drift (docs/proxy.md)",
                  type="linelist", default=[])


COVERAGE_PLUGIN = "mockserver-coverage"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(pytest_coverage.CoverageReporter(config), COVERAGE_PLUGIN)


@pytest.fixture(scope="session")
def mockserver_server(pytestconfig: pytest.Config) -> Iterator[RunningServer]:
    fixtures = pytestconfig.getini("mockserver_fixtures")
    overrides = {}
    if fixtures:
        folder = None if fixtures == "none" else Path(pytestconfig.rootpath, fixtures)
        if folder is not None and not folder.is_dir():
            # A typo must not silently give every test an empty mock.
            raise pytest.UsageError(f"mockserver_fixtures = {fixtures}: no such folder ({folder})")
        overrides["fixtures_dir"] = folder
    try:
        overrides["upstreams"] = parse_upstreams(pytestconfig.getini("mockserver_upstream"),
                                                 [provider.id for provider in discover()])
    except ValueError as error:
        raise pytest.UsageError(f"mockserver_upstream: {error}") from None
    settings = Settings(strict=pytestconfig.getini("mockserver_strict"), **overrides)
    with RunningServer(settings) as server:
        yield server
        reporter = pytestconfig.pluginmanager.get_plugin(COVERAGE_PLUGIN)
        if reporter is not None and reporter.wanted:  # asked before the server stops
            reporter.add(MockClient(server.base_url, token="mockserver-coverage").coverage(scope="server"))


@pytest.fixture
def mockserver(mockserver_server: RunningServer) -> MockClient:
    """A fresh tenant on the session's server: its own campaigns, clock, journal and faults."""
    return MockClient(mockserver_server.base_url, token=f"test-{uuid.uuid4().hex}")
