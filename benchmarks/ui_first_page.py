"""How fast the live state page (/__mock/ui) shows its first page for a tenant of 100,000 campaigns.

Builds a fixture folder (the project's fixtures plus 100,000 loop-comms campaigns, as benchmarks/run.py's
scale part does), starts `mockserver --strict` on a free loopback port, loads the tenant once, then times
the calls the page makes for its first screen (each repeated, median and max), and, when Debian's
Chromium is installed, the browser's load of the page until its tables are filled.

    python benchmarks/ui_first_page.py [--campaigns 100000] [--repeat 20]

A measurement, not a test: the figures go to docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import Client, free_port, mockserver, serve, write_fixtures  # noqa: E402
from scenarios import loop_campaigns  # noqa: E402

PAGE = 20  # the page's page size (mockserver/ui/app.js PAGE_SIZE)
# What the page asks for: every poll (clock, latest calls), and on each change (the rest).
EVERY_POLL = ["/__mock/clock", f"/__mock/requests?latest={PAGE}"]
FIRST_PAGES = [f"/__mock/{p}/{c}?order=newest&offset=0&limit={PAGE}" for p, c in (
    ("loop-comms", "campaigns"), ("loop-messaging", "campaigns"), ("commcom", "campaigns"), ("commcom", "sends"),
    ("bsg", "campaigns"))]
ON_CHANGE = ["/__mock", "/__mock/machines", "/__mock/coverage", "/__mock/faults", *FIRST_PAGES]


def timed(client: Client, path: str, repeat: int) -> tuple[float, float, int]:
    times, size = [], 0
    for _ in range(repeat):
        status, body, seconds = client.call("GET", path)
        assert status == 200, (path, status, body[:200])
        times.append(seconds)
        size = len(body)
    return statistics.median(times) * 1000, max(times) * 1000, size


def browser_load(base: str, token: str) -> float | None:
    """Seconds from asking for the page to its loop-comms table holding a full first page, or None."""
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        return None
    from tests.ui.browser import browser_or_skip, close

    driver, profile = browser_or_skip()
    try:
        driver.get(f"{base}/__mock/ui?token=nobody")  # the browser started and the files cached
        started = time.perf_counter()
        driver.get(f"{base}/__mock/ui?token={token}")
        selector = '.collection[data-collection="loop-comms/campaigns"] tr.entity-row'
        while time.perf_counter() - started < 60:
            if driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector) >= PAGE:
                return time.perf_counter() - started
            time.sleep(0.01)
        return None
    finally:
        close(driver, profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_fixtures(Path(tmp) / "fixtures", {"loop-comms": loop_campaigns(args.campaigns)})
        port = free_port()
        with serve(mockserver(port, folder), port, Path(tmp) / "server.log") as server:
            token = f"ui-bench-{uuid.uuid4().hex[:8]}"
            client = Client(port, token, timeout=300)
            _, _, load_s = client.call("GET", "/__mock/clock")
            print(f"{args.campaigns} loop-comms campaigns; server ready in {server.ready_s:.2f} s; "
                  f"the tenant's first call (loads its fixtures) {load_s:.2f} s")
            print(f"{'call':<62} {'median ms':>10} {'max ms':>8} {'bytes':>8}")
            total = 0.0
            for path in [*EVERY_POLL, *ON_CHANGE]:
                median, worst, size = timed(client, path, args.repeat)
                total += median
                print(f"{path:<62} {median:>10.2f} {worst:>8.2f} {size:>8}")
            poll = sum(timed(client, p, args.repeat)[0] for p in EVERY_POLL)
            print(f"every poll (clock + latest calls): {poll:.2f} ms; the first screen's calls, one after another: "
                  f"{total:.1f} ms")
            client.close()
            loaded = browser_load(f"http://127.0.0.1:{port}", token)
            if loaded is not None:
                print(f"Chromium (headless): page asked for -> loop-comms table filled: {loaded * 1000:.0f} ms")


if __name__ == "__main__":
    main()
