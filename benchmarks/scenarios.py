"""The load scenarios, as data. One entry per measured call: which provider serves it, the request, the
entities to seed so that every request finds its own entity in a state it can leave, and how to check
afterwards that the requests really moved state. A scenario whose provider is not discovered is skipped
(and the table says so), so an entry can be written before its provider lands.

`{i}` in a path stands for the i-th seeded entity (`{i:012d}`: printf-formatted, for ids such as UUIDs):
the load script walks i = first, first + 1, ... so no two requests touch the same entity. Seeds for providers still being written are best guesses at their
fixture fields (`status` values from PROVIDERS.md); the probe before each load says plainly if a guess
no longer matches, and fixing the guess is a one-line edit here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Entities = dict[str, list[dict[str, Any]]]  # collection -> fixture entities


@dataclass(frozen=True)
class Moved:
    """After the load, entity `entity.format(i=...)` of `collection` shows one of `values` in `field`."""

    collection: str
    entity: str
    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    provider: str  # a provider id, or "control"
    method: str
    path: str  # the full path on the server; "{i}" walks the seeded entities
    seed: Callable[[int], Entities] | None = None  # the provider's entities, n of them
    body: Any = None
    moved: Moved | None = None
    # A fixed entity count (list calls answer every entity: their size must not grow with the run).
    entities: int | None = None
    first: int = 0  # the first walked id: the seed makes ids first .. first + n - 1

    @property
    def walks(self) -> bool:
        return "{i" in self.path


def fill(template: str, i: int) -> str:
    """`template` with its `{i}` / `{i:FMT}` placeholders replaced, as the load script does."""
    return re.sub(r"\{i(?::([^}]*))?\}", lambda m: ("%" + m.group(1)) % i if m.group(1) else str(i), template)


def loop_campaigns(n: int, prefix: str = "cmp_") -> Entities:
    """Full draft campaigns, as the loop-comms fixture writes them, each with its own strings."""
    return {"campaigns": [{
        "id": f"{prefix}{i}", "brand_id": "brand_bench", "name": f"Campaign {i}",
        "subject": f"Campaign {i}: news from the bench", "channel": "email", "template_key": "newsletter_v2",
        "segment_criteria": {"tier": "gold"}, "variables": {"promo_code": f"BENCH{i}"}, "status": "draft",
        "scheduled_at": None, "sent_at": None, "cancelled_at": None, "created_by": "usr_mockserver",
        "created_at": "2026-01-05T09:00:00.000Z", "updated_at": "2026-01-05T09:00:00.000Z",
    } for i in range(n)]}


def messaging_campaigns(n: int) -> Entities:
    return {"campaigns": [{"id": f"msg_{i}", "brand_id": "brand_bench", "name": f"Campaign {i}",
                           "status": "draft"} for i in range(n)]}


def commcom_sends(n: int) -> Entities:
    # commcom ids are UUIDs; seed 001 stops one send of one campaign, here one running send each: a
    # multistep send (steps every few minutes) is still in progress while the benchmark runs.
    return {"campaigns": [{"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"Campaign {i}"} for i in range(n)],
            "sends": [{"id": f"00000000-0000-4000-9000-{i:012d}", "sms_campaign_id": f"00000000-0000-4000-8000-{i:012d}",
                       "status": "in_progress", "meta": {"send_type": "multistep"}} for i in range(n)]}


BSG_FIRST = 100_001  # BSG ids are integers (seed 003); these stay clear of the project's fixtures


def bsg_campaigns(n: int) -> Entities:
    # Stop is allowed from `sending` (seed 003: Moderation/Paused/Sending/Planned).
    return {"campaigns": [{"id": BSG_FIRST + i, "status": "sending", "message_type": "rcs"} for i in range(n)]}


TEN_RECIPIENTS = {"recipients": [{"person_id": f"per_{k}", "recipient": f"person{k}@example.com"}
                                 for k in range(10)]}

# The floor answers the first scenario's path with a body the size of its answer.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("loop-comms cancel", "loop-comms", "POST", "/loop-comms/v1/admin/campaigns/cmp_{i}/cancel",
             seed=loop_campaigns, moved=Moved("campaigns", "cmp_{i}", "status", ("cancelled",))),
    Scenario("loop-comms send (10 recipients)", "loop-comms", "POST",
             "/loop-comms/v1/admin/campaigns/cmp_{i}/send", seed=loop_campaigns, body=TEN_RECIPIENTS,
             # 10 recipients at the default 100/s: sending, and sent a tenth of a second later.
             moved=Moved("campaigns", "cmp_{i}", "status", ("sending", "sent"))),
    Scenario("loop-messaging schedule", "loop-messaging", "POST",
             "/loop-messaging/v1/messaging/campaigns/msg_{i}/schedule", seed=messaging_campaigns,
             body={"scheduled_at": "2030-01-01T09:00:00.000Z"},
             moved=Moved("campaigns", "msg_{i}", "status", ("scheduled",))),
    Scenario("commcom stop", "commcom", "POST",
             "/commcom/api/v1/sms/campaigns/00000000-0000-4000-8000-{i:012d}/stop/00000000-0000-4000-9000-{i:012d}",
             seed=commcom_sends, moved=Moved("sends", "00000000-0000-4000-9000-{i:012d}", "status", ("stopped",))),
    Scenario("bsg stop", "bsg", "PUT", "/bsg/api/campaigns/{i}/stop", seed=bsg_campaigns, first=BSG_FIRST,
             moved=Moved("campaigns", "{i}", "status", ("stopped",))),
    Scenario("loop-messaging list (50 campaigns)", "loop-messaging", "GET",
             "/loop-messaging/v1/messaging/campaigns?brand_id=brand_bench", seed=messaging_campaigns, entities=50),
    Scenario("control clock", "control", "GET", "/__mock/clock"),
)

# Calls timed once on a tenant holding 100,000 entities: (name, provider, method, path, seed).
AT_SCALE: tuple[tuple[str, str, str, str, Callable[[int], Entities]], ...] = (
    ("GET /__mock/state", "loop-comms", "GET", "/__mock/state", loop_campaigns),
    ("loop-messaging list", "loop-messaging", "GET", "/loop-messaging/v1/messaging/campaigns?brand_id=brand_bench",
     messaging_campaigns),
    ("bsg list (page of 50)", "bsg", "GET", "/bsg/api/campaigns?filter[type]=rcs&page[limit]=50", bsg_campaigns),
    # By status, which the clock moves: no index orders it; the window's campaigns are picked from (issue 17).
    ("bsg list by status (page of 50)", "bsg", "GET",
     "/bsg/api/campaigns?filter[type]=rcs&page[limit]=50&sort=status", bsg_campaigns),
    # One small brand among them (the fixtures' brand_acme): served from the index by brand, a tenant's
    # first such call too (the shared index already holds its clocked campaigns: docs/performance.md).
    ("loop-messaging list of a 5-campaign brand, first call", "loop-messaging", "GET",
     "/loop-messaging/v1/messaging/campaigns?brand_id=brand_acme", messaging_campaigns),
    # The control plane's last page: its offset was walked entity by entity (issue 17).
    ("control plane page at offset 99,940 (or the scale's last 60)", "loop-comms", "GET",
     "/__mock/loop-comms/campaigns?offset={last60}&limit=50", loop_campaigns),
)
