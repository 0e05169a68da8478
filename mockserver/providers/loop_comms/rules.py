"""Every rule of loop-comms in one place: statuses, transitions, refusals, and each value the seeds do not
give (marked ASSUMPTION, listed with its reason in docs/loop-comms.md)."""

import re

from mockserver.providers._loop_platform import SEND_COMPLETED, SEND_SENDING  # noqa: F401 (re-exported)
from mockserver.statemachine import StateMachine

# ASSUMPTION: the comms docs give `status` as a plain string; this enum is the one the same platform's
# messaging service documents (seed 004).
DRAFT, SCHEDULED, SENDING, SENT, CANCELLED = "draft", "scheduled", "sending", "sent", "cancelled"

CAMPAIGN = StateMachine(
    statuses=(DRAFT, SCHEDULED, SENDING, SENT, CANCELLED),
    transitions={
        "send": {DRAFT: SENDING, SCHEDULED: SENDING},  # seed 002; "already sent" otherwise
        "cancel": {DRAFT: CANCELLED, SCHEDULED: CANCELLED},  # a Loop tool page: cancel only before sending
        # ASSUMPTION: by the clock, when it passes scheduled_at: the campaign starts sending then (see
        # SCHEDULED_RECIPIENTS), as the platform's messaging service does (seed 004's scheduled status).
        "start": {SCHEDULED: SENDING},
        "finish": {SENDING: SENT},  # by the clock, when the send has handled every recipient
    },
    clock_actions=("start", "finish"),  # moved by the tenant's clock, never by a client
)

# The create body's fields (comms reference); a new campaign is always a draft.
CREATE_FIELDS = ("brand_id", "name", "subject", "template_key", "channel", "segment_criteria", "variables")

# Refusals: (status, error code, message). Seed 002 documents 409 "Campaign already sent".
# ASSUMPTION: the error codes are the platform catalogue's (409 `conflict`); seed 000 documents no 409
# for cancel, the catalogue's conflict is the nearest documented answer.
SEND_REFUSED = (409, "conflict", "Campaign already sent")
SEND_REFUSED_CANCELLED = (409, "conflict", "Campaign is cancelled")
CANCEL_REFUSED = (409, "conflict", "Campaign cannot be cancelled once it is {status}")

# ASSUMPTION: send statuses are not documented: a send is `sending` until every recipient is handled,
# then `completed` (SEND_SENDING, SEND_COMPLETED: shared with loop-messaging, in _loop_platform.py).

# ASSUMPTION: a campaign's channel decides which recipients can be delivered; the platform's one-off
# message API lists email | sms | push | in_app. Others (push, in_app, anything else) always deliver.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
ADDRESS_RULES = {"email": _EMAIL, "sms": _E164}


def deliverable(channel: str, recipient: str) -> bool:
    rule = ADDRESS_RULES.get(channel)
    return rule is None or rule.fullmatch(recipient) is not None


def outcomes(channel: str, recipients: list[dict[str, str]]) -> list[bool]:
    """`deliverable` for each recipient of a send, the channel's rule looked up once: a send may name
    thousands, and the per-recipient lookup and call cost as much as the match itself."""
    rule = ADDRESS_RULES.get(channel)
    if rule is None:
        return [True] * len(recipients)
    match = rule.fullmatch  # the whole address: `$` would let a final newline through
    return [match(r["recipient"]) is not None for r in recipients]


# ASSUMPTION: the seeds do not say whom a scheduled campaign goes out to (comms has no segments the mock
# could resolve `segment_criteria` against, and send's recipients come with the call). When the clock
# starts a scheduled campaign at its scheduled_at, its send goes to the recipients the fixtures list for
# it under SCHEDULED_RECIPIENTS ({"campaign_id", "recipients": [{person_id, recipient}]}); with none
# listed it goes out to nobody and is sent at once. A scheduled campaign without a usable scheduled_at
# (control plane) stays scheduled. Its send starts at scheduled_at (started_at = created_at =
# scheduled_at), so a clock moved far past it finds the campaign sent, with the times it would have had.
SCHEDULED_RECIPIENTS = "scheduled_recipients"
RECIPIENT_FIELDS = ("person_id", "recipient")

# ASSUMPTION: who the platform records as creator is not visible to a mock; every entity says this.
CREATED_BY = "usr_mockserver"

# 404 "Campaign not found" (seeds 000 and 002), word for word, whatever the id.
NOT_FOUND = "Campaign not found"

# ASSUMPTION: history of an unknown campaign is an empty list (the reference documents no 404 there).
# ASSUMPTION: new campaign ids are UUIDs (the docs say only "string").
