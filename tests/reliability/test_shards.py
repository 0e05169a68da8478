"""`mockserver --shards 2`: two mockserver processes behind HAProxy (docs/scaling.md). Through the public
port, one tenant always reaches the same shard (affinity), tenants on different shards never see each
other (isolation), a BSG bearer issued by one shard is accepted by every shard and after a restart,
health and coverage with scope=server sum both shards, SIGTERM leaves no process behind, and a shard
that dies takes the whole server down with a non-zero exit instead of leaving it half-working.

Needs HAProxy (`apt-get install -y haproxy`; .ci/run installs it): skipped without it on a laptop,
failed without it in CI (CI=true)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

TOKENS = [f"shard-tenant-{k}" for k in range(8)]
API_KEY = "live_shards_key"  # a BSG api key: with --token, the accepted credentials are the token list
CANCEL = "/loop-comms/v1/admin/campaigns/cmp_draft/cancel"


@pytest.fixture(scope="module")
def haproxy() -> None:
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        message = "haproxy is not installed (apt-get update && apt-get install -y haproxy)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{message}: CI must install it (.ci/run does)")
        pytest.skip(message)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sharded:
    """`mockserver --shards 2` in a child process; its banner names each shard's internal port and pid."""

    def __init__(self, state_file: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["--shards", "2", "--port", str(self.port), "--log-level", "warning", "--strict",
                "--state-file", str(state_file), *(f"--token={t}" for t in [*TOKENS, API_KEY])]
        self.process = subprocess.Popen([sys.executable, "-m", "mockserver", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.banner: list[str] = []
        for line in self.process.stdout:
            self.banner.append(line)
            if "openapi" in line:
                break
        else:
            raise AssertionError(f"no banner, exit {self.process.wait()}: {''.join(self.banner)}")
        text = "".join(self.banner)
        self.shards = [int(p) for p in re.findall(r"shard \d+\s+http://127\.0\.0\.1:(\d+)", text)]
        self.pids = [int(p) for p in re.findall(r"pid (\d+)", text)]  # HAProxy's first, then each shard's
        assert len(self.shards) == 2 and len(self.pids) == 3, text

    def shard(self, index: int, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"http://127.0.0.1:{self.shards[index]}", headers=headers, timeout=10)

    def public(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.process.stdout.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.is_file() and status.read_text().rpartition(")")[2].split()[0] == "Z")


def home_shard(server: Sharded, token: str) -> int:
    """Which shard a token's tenant lives on: the one holding the entity it put through the public port."""
    entity = f"home-{token}"
    with server.public(token) as client:
        assert client.put(f"/__mock/loop-comms/campaigns/{entity}", json={"status": "draft"}).status_code == 200
    found = []
    for index in range(2):
        with server.shard(index, token) as shard:
            if shard.get(f"/__mock/loop-comms/campaigns/{entity}").status_code == 200:
                found.append(index)
    assert len(found) == 1, found  # on exactly one shard
    return found[0]


@pytest.fixture(scope="module")
def server(haproxy, tmp_path_factory):
    state = tmp_path_factory.mktemp("shards") / "state.sqlite"
    running = Sharded(state)
    running.state_file = state
    yield running
    running.kill()


@pytest.fixture(scope="module")
def two_tenants(server) -> tuple[str, str]:
    """Two tokens HAProxy sends to different shards (token a to shard 0)."""
    homes = {}
    for token in TOKENS:
        homes.setdefault(home_shard(server, token), token)
        if len(homes) == 2:
            return homes[0], homes[1]
    pytest.fail(f"every one of {len(TOKENS)} tokens hashed to the same shard")


def test_one_tenant_always_reaches_the_same_shard_and_never_sees_another(server, two_tenants):
    a, b = two_tenants
    # Interleaved on one kept-alive connection: HAProxy balances every request by its own header.
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for k in range(20):
            for token in (a, b):
                answer = client.put(f"/__mock/loop-comms/campaigns/aff-{token}-{k}", json={"status": "draft"},
                                    headers={"Authorization": f"Bearer {token}"})
                assert answer.status_code == 200, answer.text
    for home, token, other in ((0, a, b), (1, b, a)):
        with server.shard(home, token) as mine:
            ids = {c["id"] for c in mine.get("/__mock/loop-comms/campaigns", params={"limit": 1000}).json()["items"]}
            assert {f"aff-{token}-{k}" for k in range(20)} <= ids  # all 20 of its writes on its home shard
            assert not any(i.startswith(f"aff-{other}-") for i in ids)  # none of the other tenant's
        with server.shard(1 - home, token) as away:
            ids = {c["id"] for c in away.get("/__mock/loop-comms/campaigns", params={"limit": 1000}).json()["items"]}
            assert not any(i.startswith("aff-") for i in ids)  # its twin on the other shard got nothing
    # Through the public port each tenant reads back its own writes, and only those.
    with server.public(a) as client:
        assert client.get(f"/__mock/loop-comms/campaigns/aff-{a}-7").status_code == 200
        assert client.get(f"/__mock/loop-comms/campaigns/aff-{b}-7").status_code == 404


def test_a_bsg_bearer_from_one_shard_is_accepted_by_every_shard(server):
    with server.shard(1) as shard:
        bearer = shard.post("/bsg/api/auth/login", json={"api_key": API_KEY}).json()["bearer"]
    with server.shard(0) as shard:
        assert shard.post("/bsg/api/auth/login", json={"api_key": API_KEY}).json()["bearer"] == bearer
    for client in (server.shard(0, bearer), server.shard(1, bearer), server.public(bearer)):
        with client:
            assert client.get("/bsg/api/campaigns/1").status_code != 401
            assert client.get("/__mock/clock").status_code == 200
    with server.public(bearer[:-2] + ("AA" if not bearer.endswith("AA") else "BB")) as forged:
        assert forged.get("/__mock/clock").status_code == 401  # the signature is checked, not just the shape
    server.bearer = bearer


def test_health_and_server_coverage_sum_every_shard(server, two_tenants):
    with server.public() as anonymous:
        before = anonymous.get("/__mock/health").json()["unauthenticated"].get("loop-comms", 0)
    for k in range(12):  # refused tokens, spread over both shards by their hash
        with server.public(f"nobody-{k}") as stranger:
            assert stranger.post(CANCEL).status_code == 401
    per_shard = []
    for index in range(2):
        with server.shard(index) as shard:
            per_shard.append(shard.get("/__mock/health").json()["unauthenticated"].get("loop-comms", 0))
    assert all(per_shard), per_shard  # both shards refused some
    with server.public() as anonymous:
        health = anonymous.get("/__mock/health").json()
    assert health["unauthenticated"]["loop-comms"] == sum(per_shard) == before + 12
    assert health["status"] == "ok" and health["contract_violations"] == 0

    def cancels(client: httpx.Client) -> int:
        report = client.get("/__mock/coverage", params={"scope": "server"}).json()
        [row] = [r for r in report["providers"]["loop-comms"]["operations"] if r["operationId"] == "cancelCampaign"]
        return row["outcomes"]["200"]

    for token in two_tenants:  # one cancel on each shard
        with server.public(token) as client:
            client.post("/__mock/reset")
            assert client.post(CANCEL).status_code == 200
    a, b = two_tenants
    with server.shard(0, a) as zero, server.shard(1, b) as one, server.public(a) as public:
        assert cancels(zero) >= 1 and cancels(one) >= 1
        assert cancels(public) == cancels(zero) + cancels(one)
        markdown = public.get("/__mock/coverage", params={"scope": "server", "format": "markdown"})
        assert markdown.status_code == 200 and markdown.text.startswith("## mockserver coverage")
        # A refusal is the shards' own: an unknown parameter is named, as on one process.
        refused = public.get("/__mock/coverage", params={"scope": "server", "bogus": "1"})
        assert refused.status_code == 422 and "bogus" in refused.text
        # Scope tenant is the caller's shard only.
        assert public.get("/__mock/coverage").json()["scope"] == "tenant"


def test_sigterm_stops_haproxy_and_every_shard(server):
    assert all(alive(pid) for pid in server.pids)
    assert server.stop() == 0
    time.sleep(0.2)
    assert [pid for pid in server.pids if alive(pid)] == []
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/__mock/health", timeout=1)
    # One state file per shard, next to the path given.
    assert sorted(p.name for p in server.state_file.parent.glob("state.sqlite.shard*")) == [
        "state.sqlite.shard0", "state.sqlite.shard1"]


def test_after_a_restart_tenants_and_bearers_hold_and_a_dead_shard_stops_everything(server, two_tenants):
    # Runs after the SIGTERM test: the same state files, the same token list.
    restarted = Sharded(server.state_file)
    try:
        a, b = two_tenants
        for token in (a, b):  # each cancelled cmp_draft on its own shard before the restart
            with restarted.public(token) as client:
                assert client.get("/__mock/loop-comms/campaigns/cmp_draft").json()["status"] == "cancelled"
        with restarted.public(server.bearer) as client:
            assert client.get("/__mock/clock").status_code == 200
        shard_pid = restarted.pids[2]
        os.kill(shard_pid, signal.SIGKILL)
        assert restarted.process.wait(timeout=20) == 1
        said = restarted.process.stdout.read()
        assert f"shard 1 (pid {shard_pid}) exited" in said, said
        time.sleep(0.2)
        assert [pid for pid in restarted.pids if alive(pid)] == []
    finally:
        restarted.kill()


def test_without_haproxy_it_says_how_to_install_it_in_one_line(monkeypatch, capsys):
    from mockserver import cli, shards

    monkeypatch.setattr(shards.shutil, "which", lambda name: None)
    monkeypatch.setattr(shards.os, "access", lambda path, mode: False)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--shards", "2", "--port", str(free_port())])
    assert stopped.value.code != 0
    [line] = capsys.readouterr().err.splitlines()
    assert "HAProxy" in line and "apt-get update && apt-get install -y haproxy" in line
