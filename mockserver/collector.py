"""The garbage collector's settings for a server process: a mock holds many long-lived entities, and
the default thresholds walk them all often enough to put 100 ms to 1 s pauses into the p99
(docs/performance.md). The benchmarks that call the app in process use the same settings."""

import gc


def collect_less() -> None:
    """Fewer, cheaper passes: the oldest generation is walked a hundred times less often."""
    gc.set_threshold(700, 10, 1000)


def freeze_startup() -> None:
    """What start-up built (contracts, the shared fixture entities) lives as long as the process: left out
    of every later collection. Call it before any tenant exists, so nothing a reset or an eviction frees
    is frozen."""
    gc.freeze()
