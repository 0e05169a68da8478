"""Every rule of loop-messaging in one place: statuses, transitions, refusals, and each value seed 004 and
the messaging reference do not give (marked ASSUMPTION, listed with its reason in docs/loop-messaging.md,
same order)."""

from mockserver.providers._loop_platform import SEND_COMPLETED, SEND_SENDING  # noqa: F401 (re-exported)
from mockserver.statemachine import StateMachine

# Seed 004's campaign status enum.
DRAFT, SCHEDULED, SENDING, SENT, CANCELLED = "draft", "scheduled", "sending", "sent", "cancelled"

CAMPAIGN = StateMachine(
    statuses=(DRAFT, SCHEDULED, SENDING, SENT, CANCELLED),
    transitions={
        # ASSUMPTION 1: which statuses answer 412 is not documented. Schedule and publish act before a
        # campaign goes out (rescheduling a scheduled campaign is allowed); sending, sent and cancelled
        # refuse both.
        "schedule": {DRAFT: SCHEDULED, SCHEDULED: SCHEDULED},
        "publish": {DRAFT: SENDING, SCHEDULED: SENDING},
        # The clock passes scheduled_at: the campaign publishes itself to its segment.
        "start": {SCHEDULED: SENDING},
        # The clock: its send has handled every recipient.
        "finish": {SENDING: SENT},
        # ASSUMPTION 2: no cancel endpoint is documented, so `cancelled` is reached only through the
        # control plane (PUT /__mock/loop-messaging/campaigns/{id} with "status": "cancelled").
    },
    clock_actions=("start", "finish"),  # moved by the tenant's clock, never by a client
)

# 404 "Not found" (seed 004), word for word, whatever the id.
NOT_FOUND = "Not found"

# 412 "Bad state" (seed 004). ASSUMPTION 3: the error code is `bad_state` and `details` holds the
# campaign's current `status` (keys inside details are not documented).
BAD_STATE = "bad_state"
BAD_STATE_MESSAGE = "Bad state: campaign {id} is {status} and cannot be {verb}"

# ASSUMPTION 4: a scheduled_at not strictly after the tenant's clock is refused 400 validation_error
# (details name `scheduled_at`): a schedule in the past would start at once, which publish already does.
# It is checked after the campaign is found and its status allows scheduling (404, then 412, then this
# 400): the clock is state, like the status. A malformed body is refused (400) before anything else.
SCHEDULE_IN_PAST = "must be after the current time ({now})"

# ASSUMPTION 5: send statuses are not documented: a send is `sending` until every recipient is handled,
# then `completed` (SEND_SENDING, SEND_COMPLETED: shared with loop-comms, in _loop_platform.py).

# ASSUMPTION 6: `total_recipients` counts every recipient given, duplicates too, so that once complete
# sent_count + failed_count + skipped_count == total_recipients. A recipient whose person_id already
# appeared earlier in the same list is skipped (the first one counts).


def deduplicated(recipients: list[dict[str, str]]) -> tuple[list[dict[str, str]], int]:
    """The recipients to deliver to (first of each person_id, in order) and how many were skipped."""
    seen: set[str] = set()
    kept = []
    for recipient in recipients:
        if recipient["person_id"] not in seen:
            seen.add(recipient["person_id"])
            kept.append(recipient)
    return kept, len(recipients) - len(kept)


# ASSUMPTION 7: which recipients fail is not documented, and a messaging campaign has no channel to
# check an address against. A recipient fails when its address contains "fail" (any case), e.g.
# `fail@example.com`; everyone else is delivered. Simple, deterministic, and a test picks it at will.
FAILING_MARK = "fail"


def deliverable(recipient: str) -> bool:
    return FAILING_MARK not in recipient.lower()


# ASSUMPTION 8: a scheduled campaign whose scheduled_at the clock has passed publishes itself at
# scheduled_at (published_at = scheduled_at) to its segment's members, from fixtures ("segments").
# A segment the mock does not know has no members: the campaign is sent at once, to nobody.

# ASSUMPTION 9: a `sending` campaign from fixtures or the control plane has no send the mock could
# deliver: it stays `sending` as recorded until you move it (control plane). Likewise a `scheduled`
# fixture without a usable scheduled_at stays `scheduled` (the control plane refuses one: CampaignFields).

# ASSUMPTION 10: the list is in creation order (fixtures first), unpaginated (no pagination is
# documented); an empty brand_id is a brand with no campaigns.

# ASSUMPTION 11: who the platform records as creator is not visible to a mock; every entity says this.
CREATED_BY = "usr_mockserver"

# ASSUMPTION 12: new campaign and send ids are UUIDs (the docs say only "string").

# ASSUMPTION 13: `description` may be a string or null (the campaign object allows null; the create
# reference gives no type); omitted, it is null.

# ASSUMPTION 14: a scheduled_at is stored as every time the platform writes: UTC, milliseconds
# ("2027-01-01T10:00:00.000+02:00" becomes "2027-01-01T08:00:00.000Z"); the 400 check compares that.

# ASSUMPTION 15: only the documented bodies' fields are taken: anything else a client sends (in a create
# body or a recipient) is ignored, never stored. A new campaign is always a draft.
CREATE_FIELDS = ("brand_id", "name", "segment_id", "description")
RECIPIENT_FIELDS = ("person_id", "recipient")

# ASSUMPTION 16: 401 on every operation is the platform catalogue's `invalid_token` (errors.py).

# ASSUMPTION 17: the send's field types are not given by the messaging reference; the contract uses the
# comms send's (seed 002): counts are numbers, started_at / completed_at strings or null.
