"""How long and how big: the full run, --quick and --smoke."""

from dataclasses import dataclass
from pathlib import Path

SCALE = 100_000


@dataclass(frozen=True)
class Mode:
    warmup_s: int
    measure_s: int
    entities: int  # seeded per walking scenario at first
    scale: int  # the "100,000 campaigns" figure
    startups: int  # start-ups timed (the median is reported)
    lookups: int  # sequential calls timed for the O(1) check
    profile: Path | None = None  # record each measured scenario with py-spy into this folder


# `entities` is where seeding starts: a warm-up that shows more are needed re-seeds with enough.
FULL = Mode(warmup_s=2, measure_s=5, entities=40_000, scale=SCALE, startups=3, lookups=300)
QUICK = Mode(warmup_s=1, measure_s=1, entities=10_000, scale=2_000, startups=1, lookups=30)
# One second of one scenario that neither walks nor grows (so no warm-up is needed to size its seed).
SMOKE = Mode(warmup_s=0, measure_s=1, entities=0, scale=0, startups=0, lookups=0)
SMOKE_SCENARIO = "loop-messaging list (50 campaigns)"
