"""Every rule of bsg in one place: statuses, transitions, the create body's limits, the lifecycle's
timings, and each value the seed and BSG's docs do not give (marked ASSUMPTION, listed with its reason in
docs/bsg.md, in the same order)."""

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from mockserver.clock import iso
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
# POST /api/campaigns/rcs/send (the send-rcs-message page and the SDK's SendRcsCampaign) and
# POST /api/messages/rcs/send (the single-message page and the SDK's RcsMessage).
SEND_FIELDS = ("phones", "sender", "options", "validity", "validity_seconds", "alternative_channel", "start_at",
               "add_to_contact_book", "tariff_code", "check_stop_list")
SINGLE_FIELDS = ("phone", "sender", "options", "validity_seconds", "validity", "alternative_channel",
                 "callback_url", "add_to_contact_book", "tariff_code", "check_stop_list")
# ASSUMPTION: add_to_contact_book is kept but changes nothing (the mock's contact book is the fixtures'
# groups); the single-message page types it string ("true"/"false"), the SDK boolean: both are taken.
# The single send "is sent without creating a campaign", yet seed 003 says its answer gives a campaign id
# (stop takes it): ASSUMPTION: it makes a campaign of one message, like the other routes, and answers the
# message with its campaign_id; its callback_url, when given, takes precedence over the account's.


# POST /api/campaigns/send: the SDK's multi-channel send (its Campaign model; no BSG page describes it).
# ASSUMPTION: the mock serves it for RCS only, and its contract says so: `channels` is ["rcs"] or
# ["rcs", "sms"] (422 on `channels` otherwise: the mock has no SMS, Viber, voice or Telegram campaigns), the
# "sms" taken as the RCS routes' SMS fallback (alternative_channel.sms, from the `sms` object, then
# required); `rcs` holds the sender and the text or the cards (the SDK's Rcs marks all three required;
# either is taken, as in the RCS routes' options). `dry_run` answers the campaign the send would create,
# with the next id, and stores nothing.
MULTI_CHANNEL_FIELDS = ("validity", "start_at", "tariff_code", "add_to_contact_book", "check_stop_list")


def as_rcs_send(body: dict[str, Any]) -> dict[str, Any]:
    """A multi-channel send (its contract checked) as the RCS routes' fields."""
    channels, rcs = body["channels"], body["rcs"]
    given = {name: body[name] for name in MULTI_CHANNEL_FIELDS if body.get(name) is not None}
    given.update(sender=rcs["sender"], options={k: rcs[k] for k in ("text", "cards") if k in rcs})
    if "sms" in channels:
        given["alternative_channel"] = {"sms": {"text": body["sms"]["text"], "sender": body["sms"]["sender"]}}
    given.setdefault("validity", DEFAULT_VALIDITY)
    return given


def duplicated(phones: list[dict]) -> str | None:
    """The RCS introduction: a send's numbers must be unique; the SDK: duplicate references are rejected.
    The field whose values repeat, if any."""
    for field in ("number", "reference_id"):
        values = [p[field] for p in phones if p.get(field)]
        if len(set(values)) != len(values):
            return field
    return None
# ASSUMPTION: tariff_code is a string in the web docs and an integer in the SDK: both are taken.
# ASSUMPTION: null for an optional field is "not given" where BSG's own SDK sends one (RcsMessage's
# callback_url, tariff_code and validity_seconds; an SMS fallback's validity_seconds; send-groups'
# alternative_channel): the contract takes it (tests/bsg/test_sdk.py drives the SDK).
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
    if moment is None:
        return None
    # From the RFC 3339 text (zero-padded years: glibc's strftime %Y writes "999-06-01"), which is kept
    # formatted by second (mockserver.clock.iso).
    text = iso(moment)
    return f"{text[:10]} {text[11:19]}"


# ASSUMPTION: dates a client sends may also be ISO 8601 with a "T" (and optional fraction and offset; none
# means UTC): BSG's own SDK sends start_at as datetime.isoformat() and the lists' filter[from]/filter[to] as
# "%Y-%m-%dT%H:%M:%S.%f%z", so its API must take them. Answers always use the documented format.
_DOCUMENTED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
_SDK_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:?[0-9]{2})?")


def is_documented_date(text: str) -> bool:
    return _DOCUMENTED_DATE.fullmatch(text) is not None


def parse_date(text: str) -> datetime:
    """Raises ValueError for anything but a real "yyyy-mm-dd hh:mm:ss" (or the SDK's ISO forms)."""
    if _DOCUMENTED_DATE.fullmatch(text):
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=UTC)
    if _SDK_DATE.fullmatch(text):
        moment = datetime.fromisoformat(text)
        try:
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
        except OverflowError:  # an offset that moves it out of years 1-9999
            raise ValueError(f"{text!r} is out of range") from None
        # An offset can also move it before year 1000, which the documented four-digit year (the contract's
        # [1-9][0-9]{3}) cannot carry into an answer: as malformed as any other date.
        if moment.year < 1000:
            raise ValueError(f"{text!r} is before year 1000 in UTC")
        return moment
    raise ValueError(f"{text!r} is not yyyy-mm-dd hh:mm:ss")


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

# The lifecycle's timings come from the settings: moderation lasts bsg's own `moderation_seconds` (settings.py:
# default 60, `--set bsg.moderation_seconds=S`, per tenant through /__mock/bsg/settings) and recipients are handled at `delivery_rate` a second (mockserver.delivery).
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

# ASSUMPTION: calculated_price is recipients x 0.05 (the docs give no tariff), in EUR, the currency of the
# callback example; the SDK: calculated_price is set only in the answers to create and to price (null in
# every other answer), and a campaign carries its account's `currency` (ISO 4217).
PRICE_PER_MESSAGE = 0.05
CURRENCY = "EUR"


def price(recipients: int) -> float:
    return round(recipients * PRICE_PER_MESSAGE, 4)


# --- messages ---------------------------------------------------------------------------------------
# Every recipient of a campaign is a message (GET /api/messages, the RCS status callback). The SDK's
# message statuses; the seed's statistics count `sent` over SENT_STATUSES and `delivered` over
# DELIVERED_STATUSES.
MSG_MODERATION, MSG_SCHEDULED, MSG_SENT = "moderation", "scheduled", "sent"
MSG_DELIVERED, MSG_UNDELIVERED, MSG_FAILED = "delivered", "undelivered", "failed"
MESSAGE_STATUSES = ("scheduled", "moderation", "accepted", "sending", "sent", "delivered", "expired", "failed",
                    "undelivered", "unknown", "read")
SENT_STATUSES = ("delivered", "sent", "accepted", "sending", "undelivered", "failed", "expired", "unknown")
DELIVERED_STATUSES = ("delivered", "read")
# ASSUMPTION: a message's life: moderation while its campaign is moderated; scheduled from the end of
# moderation until its turn (queued messages are not yet counted as sent, as the seed's statistics say);
# at its turn (mockserver.delivery: recipient i at (i + 1) / rate seconds into sending) it is sent and
# its delivery report arrives at the same moment: delivered (RCS reached it), undelivered (a valid number
# without RCS) or failed (a malformed number: "a send error" in BSG's words). A stopped campaign's
# remaining messages keep their status for good; a paused one's keep it until renew.
# ASSUMPTION: a message's price is PRICE_PER_MESSAGE once delivered and 0 before ("billing is performed
# only for RCS messages with the status Delivered", the RCS introduction), written with 7 decimals.
MESSAGE_SOURCE = "rest"  # every campaign the mock makes comes from this API
PRICE_DECIMALS = 7


def message_price(status: str) -> str:
    return f"{PRICE_PER_MESSAGE if status in DELIVERED_STATUSES else 0:.{PRICE_DECIMALS}f}"


def message_outcome(rcs_reached: bool, valid: bool) -> str:
    return MSG_DELIVERED if rcs_reached else MSG_UNDELIVERED if valid else MSG_FAILED


# ASSUMPTION: message ids count up per tenant across campaigns (each campaign takes one id per recipient,
# and one more per recipient for its SMS fallback when it asks for one); the docs say only "integer".
# The phone is written as an integer when it is a valid number (the SDK types it an integer of 9-15
# digits; the web page says string), else as given.


def render_phone(number: str) -> int | str:
    return int(number) if valid_number(number) else number


# The messages list: page[limit] default 50 (documented; the SMS page bounds it 15-500), page[offset] 0,
# filter[from]/filter[to] by creation, no future dates, to defaults to now, at most 3 months; sort id,
# phone, delivered; way asc, desc.
MESSAGE_SORT_KEYS = ("id", "phone", "delivered")
MESSAGE_PAGE_DEFAULT = 50
# ASSUMPTION: filter[from] defaults to filter[to] - 3 months, as the campaign list; a window longer than
# 3 months or a future date is refused with 422 (the page: "not allowed", "maximum allowed period").


# The list: filter[type] defaults to sms (documented, so RCS campaigns need filter[type]=rcs), the window
# to [filter[to] - 3 months, now] by created_at, page[offset] 0, page[limit] 50, sort id, way asc.
LIST_DEFAULT_TYPE = "sms"
LIST_WINDOW_MONTHS = 3
SORT_KEYS = {"id": "id", "sender": "sender", "type": "message_type", "date": "created_at", "status": "status"}
# ASSUMPTION: search[field] / search[value] (the SDK names the pair, not the fields) keep the campaigns
# whose id, name, sender or status contains the value, ignoring case; one without the other is a 422.
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
