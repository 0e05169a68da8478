"""Every rule of bsg in one place: statuses, transitions, the create body's limits, the lifecycle's
timings, and each value the seed and BSG's docs do not give (marked ASSUMPTION, listed with its reason in
docs/bsg.md, in the same order)."""

import calendar
import re
from datetime import UTC, datetime, timedelta

from mockserver.statemachine import StateMachine

# The SDK's status enum; the seed's field table describes all but moderation.
CREATION, MODERATION, SPAM, SCHEDULED = "creation", "moderation", "spam", "scheduled"
SENDING, PAUSED, STOPPED, DONE = "sending", "paused", "stopped", "done"

CAMPAIGN = StateMachine(
    statuses=(CREATION, MODERATION, SPAM, SCHEDULED, SENDING, PAUSED, STOPPED, DONE),
    transitions={
        # Seed 003: stop from Moderation/Paused/Sending/Planned ("scheduled" in the enum), nothing else.
        "stop": {MODERATION: STOPPED, SCHEDULED: STOPPED, SENDING: STOPPED, PAUSED: STOPPED},
        # The renew page: resumes a campaign paused for lack of funds; no other status.
        "renew": {PAUSED: SENDING},
        # By the clock: moderation passes into a schedule (start_at still ahead) or straight into sending.
        "schedule": {MODERATION: SCHEDULED},
        "start": {MODERATION: SENDING, SCHEDULED: SENDING},
        "finish": {SENDING: DONE},
    },
    clock_actions=("schedule", "start", "finish"),  # moved by the tenant's clock, never by a client
)
FINAL = (STOPPED, DONE)  # the seed: "final status"

# ASSUMPTION: creation, spam and paused are never entered by the clock. The real system pauses a campaign
# when funds run out and marks it spam when moderation rejects it; the mock has neither money nor a
# moderator, so these come only from fixtures or the control plane, and stay until an API call moves them.
STATIONARY = (CREATION, SPAM, PAUSED)

# The send-groups body's documented fields; anything else a client sends is ignored, never stored.
CREATE_FIELDS = ("groups", "sender", "tariff_code", "validity", "start_at", "options", "alternative_channel",
                 "check_stop_list")
DEFAULT_VALIDITY = 72  # hours, documented
# ASSUMPTION: tariff_code is a string in the web docs and an integer in the SDK: both are taken.
# ASSUMPTION: options.text is at most 160 characters counted as code points (the docs count UTF-16 units,
# so an emoji-heavy text may pass here and not there); options.cards items are not checked further.
# ASSUMPTION: validity, tariff_code and check_stop_list are kept but change nothing: messages never expire
# (sending takes seconds) and the mock has no tariffs and no stop list.

MESSAGE_TYPE = "rcs"  # what send-groups creates

# ASSUMPTION: ids count up per tenant from the highest id it holds (fixtures included); the docs say only
# "integer".


def campaign_name(created_at: str) -> str:
    # The seed's example name: "RCS api campaign / {yyyy-mm-dd hh:mm:ss}" (the creation time).
    return f"RCS api campaign / {created_at}"


# Dates are written "yyyy-mm-dd hh:mm:ss" (the SDK: "Y-m-d H:i:s").
# ASSUMPTION: in UTC, the tenant clock's zone; the docs name no zone.
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def render_date(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    """Raises ValueError for anything but a real "yyyy-mm-dd hh:mm:ss"."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", text):
        raise ValueError(f"{text!r} is not yyyy-mm-dd hh:mm:ss")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=UTC)


# start_at: "at most 30 days (including the current date) – until 23:59:59 of the 30th day".
SCHEDULE_DAYS = 30


def latest_start(now: datetime) -> datetime:
    """Today is day 1, so the 30th day is today + 29; its last second is the latest start."""
    last_day = now.astimezone(UTC).date() + timedelta(days=SCHEDULE_DAYS - 1)
    return datetime.combine(last_day, datetime.max.time().replace(microsecond=0), UTC)


# ASSUMPTION: a start_at already past makes an instant campaign (sending begins once moderation passes);
# the docs bound start_at only from above.

# ASSUMPTION: an instant campaign's start_at is its creation time: the seed types start_at as a string
# (never null), and real_start_at tells when sending actually began.

# ASSUMPTION: until sending begins, real_start_at holds the planned start (start_at): the seed types it a
# string, never null, and the planned start is the best "actual start" known before one happens. It
# becomes the moment sending began. finished_at is null until the campaign is final (seed: null|string).

# The lifecycle's timings come from the settings: moderation lasts `bsg_moderation_seconds` (default 60)
# and recipients are handled at `delivery_rate` a second (mockserver.delivery).
# ASSUMPTION: moderation always passes (spam only through the control plane), and a scheduled campaign
# starts at start_at, or when moderation ends if that is later.

# Stop and renew refusals: the seed's and SDK's 422 "Invalid campaign status", `errors` an array (SDK:
# List[object]). ASSUMPTION: each error object is {"status": current status, "message": why}.
INVALID_STATUS = "Invalid campaign status"
ALLOWED_MESSAGE = "The campaign must be in one of following status to be able to {action}: {statuses}"

# ASSUMPTION: an unknown campaign id answers 404 {"message": "Model not found"}, the SDK's 404 body for
# other resources (the campaign pages document no 404).
NOT_FOUND_MESSAGE = "Model not found"

# Contacts (fixtures: groups with contacts). BSG numbers are 9 to 15 digits without "+" (the SMS API).
_NUMBER = re.compile(r"[0-9]{9,15}")


def valid_number(number: str) -> bool:
    return bool(_NUMBER.fullmatch(number))


def rcs_delivered(contact: dict) -> bool:
    # ASSUMPTION: an RCS message is delivered to a valid number whose contact does not say `"rcs": false`
    # (a phone without RCS); every other recipient is sent but undelivered.
    return valid_number(str(contact.get("number", ""))) and contact.get("rcs", True) is not False


def sms_delivered(contact: dict) -> bool:
    # ASSUMPTION: with alternative_channel.sms, each recipient RCS did not reach gets the SMS at the same
    # moment, and an SMS reaches every valid number.
    return not rcs_delivered(contact) and valid_number(str(contact.get("number", "")))


# ASSUMPTION: a group id the fixtures do not know is an empty contact list: the mock has no contact-book
# API, so refusing it would make a tenant reset without fixtures unable to create anything. A contact in
# several of the campaign's groups (same number) gets one message.

# ASSUMPTION: calculated_price is recipients x 0.05 (the docs give no tariff); currency is not modelled.
PRICE_PER_MESSAGE = 0.05


def price(recipients: int) -> float:
    return round(recipients * PRICE_PER_MESSAGE, 4)


# The list: filter[type] defaults to sms (documented, so RCS campaigns need filter[type]=rcs), the window
# to [filter[to] - 3 months, now] by created_at, page[offset] 0, page[limit] 50, sort id, way asc.
LIST_DEFAULT_TYPE = "sms"
LIST_WINDOW_MONTHS = 3
SORT_KEYS = {"id": "id", "sender": "sender", "type": "message_type", "date": "created_at", "status": "status"}
# ASSUMPTION: a window longer than 3 months is answered, not refused (the docs give the limit, no error).
# ASSUMPTION: equal sort keys are ordered by id, in the same direction; page[offset] and page[limit] (at
# least 1) are bounded by 2^31 - 1, the docs give no maximum.


def months_before(moment: datetime, months: int) -> datetime:
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return moment.replace(year=year, month=month_index + 1, day=min(moment.day, last_day))


# ASSUMPTION: alternative_channels.sms.statistics is spelled as the seed's field table says; the seed's
# example writes `statistic`, but the table is the field's definition (and the SDK has no such field).

# ASSUMPTION: login answers the same JWT-shaped bearer for the same api key (derived from it, never
# containing it), so a key always reaches the same tenant; refresh answers the caller's bearer unchanged,
# since a new bearer would be a new tenant. The bearer is HMAC-signed with a key derived from the --token
# list, and verified on every call instead of being remembered: logins cost no memory, a restart with the
# same list (and state file) accepts the same bearers, and no bearer can be forged without a credential.
# ASSUMPTION: an api_key is at most 255 characters (BSG's keys are "live_" or "test_" and about 20
# characters; the docs give no maximum, and an unbounded key is an unbounded hash input on every login).
API_KEY_MAX_LENGTH = 255
BEARER_MAX_LENGTH = 512  # what login issues is ~190 characters; longer is not ours With --token, only an api key that is itself one of the
# --token values may log in (the --token list is the set of credentials); otherwise, as for bearers, any
# key but one containing "invalid".

# ASSUMPTION: a campaign from fixtures or a control-plane PUT without `groups` has no known recipients, so
# it stays as recorded (the clock moves only campaigns whose recipients the mock knows). A PUT on an
# existing campaign keeps its recipients and defaults missing fields to the campaign's current ones, so
# {"status": "paused"} pauses it where it is and renew resumes it with the recipients not yet handled;
# a new one defaults to creation, sender mock_agent, dates now (started/final ones only where the status
# has them) and zero counts.

# ASSUMPTION: 401 for every secured operation and for a refused login is Laravel's {"message":
# "Unauthenticated."}; 429 "Too many requests" is documented (SDK) for send-groups only, so only it lists
# one (reachable through /__mock/faults).
