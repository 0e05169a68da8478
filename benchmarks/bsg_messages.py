"""Not a test: times GET /bsg/api/messages sorted by phone and by delivery, and with filter[reference_id], on a tenant
holding many campaigns, the first call (whatever it builds once) and the calls after it.

    python benchmarks/bsg_messages.py [campaigns] [recipients]

In process (Starlette's test client), strict contract checks on. To time another tree (e.g. a copy at an
older commit) put it first: PYTHONPATH=/that/tree python /that/tree/benchmarks/bsg_messages.py
"""

import sys
import time
import warnings

with warnings.catch_warnings():  # the test client asks for httpx2; httpx is what the project uses
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.settings import Settings

B = "/bsg/api"


def main(campaigns: int = 2000, recipients: int = 50) -> None:
    client = TestClient(create_app(Settings(strict=True)), headers={"Authorization": "Bearer bsg-bench"})
    client.post("/__mock/clock", json={"freeze": True, "now": "2026-03-01T10:00:00Z"})
    started = time.perf_counter()
    for campaign in range(campaigns):
        phones = [{"number": f"44{(campaign * 7919 + k * 104729) % 10**9:09d}", "reference_id": f"r{k}c{campaign % 5}"}
                  for k in range(recipients)]
        answer = client.post(f"{B}/campaigns/rcs/send", json={"phones": phones, "sender": "s", "options": {"text": "Hi"}})
        assert answer.status_code == 200, answer.text
    print(f"{campaigns} campaigns x {recipients} recipients made in {time.perf_counter() - started:.1f} s")
    client.post("/__mock/clock", json={"advance": 600})
    # sort=id first: its first call brings every campaign up to the clock, which the others then need not.
    for name, query in [("sort=id (already paged)", {"sort": "id"}),
                        ("sort=phone", {"sort": "phone"}),
                        ("sort=phone&way=desc&offset=400", {"sort": "phone", "way": "desc", "page[offset]": 400}),
                        ("filter[reference_id]", {"filter[reference_id]": "r7c1"}),
                        ("filter[reference_id]&sort=phone", {"filter[reference_id]": "r7c1", "sort": "phone"}),
                        ("filter[reference_id]&sort=delivered", {"filter[reference_id]": "r7c1", "sort": "delivered"}),
                        ("sort=delivered", {"sort": "delivered"}),
                        ("sort=delivered&way=desc&offset=400", {"sort": "delivered", "way": "desc", "page[offset]": 400})]:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            answer = client.get(f"{B}/messages", params=query)
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
        print(f"{name:40s} first {times[0]:8.1f} ms, then {times[1]:8.1f} / {times[2]:8.1f} ms "
              f"(total {answer.json()['meta']['page']['total']})")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
