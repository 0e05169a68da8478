"""SIGTERM: requests in flight finish, then the server exits 0 within a few seconds."""

import threading
import time

import httpx

from tests.support import ServerProcess


def test_sigterm_finishes_in_flight_requests_then_exits_zero():
    server = ServerProcess().start()
    try:
        headers = {"Authorization": "Bearer shutdown"}
        httpx.post(f"{server.base_url}/__mock/faults", headers=headers, json={
            "provider": "loop-comms", "operationId": "getCampaignHistory", "delay_ms": 1500})
        answers = []
        slow = threading.Thread(target=lambda: answers.append(httpx.get(
            f"{server.base_url}/loop-comms/v1/admin/campaigns/cmp_sent/history", headers=headers, timeout=10)))
        slow.start()
        time.sleep(0.5)  # the slow request is now in flight
        started = time.monotonic()
        assert server.terminate(timeout=10) == 0
        assert time.monotonic() - started < 5
        slow.join(timeout=10)
        assert [a.status_code for a in answers] == [200]
    finally:
        server.kill()
