"""200 concurrent conflicting transitions on one campaign over real HTTP: exactly one wins, the rest get
the documented conflict, and the state and the journal agree afterwards."""

import asyncio

import httpx
import pytest

from tests.support import ServerProcess

CONFLICTS = 200


@pytest.fixture(scope="module")
def server():
    with ServerProcess("--strict") as running:
        yield running


async def _fire(base_url: str, token: str, calls: list[tuple[str, str, dict | None]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=CONFLICTS)
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                                 limits=limits, timeout=30) as client:
        return await asyncio.gather(*(client.request(method, path, json=body) for method, path, body in calls))


def _journal(server: ServerProcess, token: str) -> list[dict]:
    return httpx.get(f"{server.base_url}/__mock/requests", headers={"Authorization": f"Bearer {token}"}).json()["requests"]


def test_cancel_against_cancel(server):
    token = "race-cancel"
    path = "/loop-comms/v1/admin/campaigns/cmp_draft/cancel"
    responses = asyncio.run(_fire(server.base_url, token, [("POST", path, None)] * CONFLICTS))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * (CONFLICTS - 1)
    journal = _journal(server, token)
    assert sorted(entry["status"] for entry in journal) == statuses
    campaign = httpx.get(f"{server.base_url}/__mock/loop-comms/campaigns/cmp_draft",
                         headers={"Authorization": f"Bearer {token}"}).json()
    assert campaign["status"] == "cancelled"


def test_send_against_cancel(server):
    token = "race-send-cancel"
    base = "/loop-comms/v1/admin/campaigns/cmp_scheduled"
    send = ("POST", f"{base}/send", {"recipients": [{"person_id": "p", "recipient": "a@example.com"}]})
    cancel = ("POST", f"{base}/cancel", None)
    responses = asyncio.run(_fire(server.base_url, token, [send, cancel] * (CONFLICTS // 2)))
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(r.status_code == 409 for r in responses if r is not winners[0])
    campaign = httpx.get(f"{server.base_url}/__mock/loop-comms/campaigns/cmp_scheduled",
                         headers={"Authorization": f"Bearer {token}"}).json()
    assert campaign["status"] == ("cancelled" if "campaign" in winners[0].json() else campaign["status"])
    if "send" in winners[0].json():
        assert campaign["status"] in ("sending", "sent") and campaign["cancelled_at"] is None
    journal = _journal(server, token)
    assert len(journal) == CONFLICTS and sum(entry["status"] == 200 for entry in journal) == 1


def test_more_than_one_worker_is_refused_with_a_reason():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mockserver", "--workers", "2"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode != 0
    assert "one process" in result.stderr
