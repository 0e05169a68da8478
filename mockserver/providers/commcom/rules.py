"""Every rule of commcom in one place: send statuses, transitions, defaults, refusals, and each value the
seed and the docs do not give (marked ASSUMPTION, listed with its reason in docs/commcom.md, same order)."""

from mockserver.statemachine import StateMachine

# ASSUMPTION 1: send statuses are not documented. The prototype codebase (same field names) has
# draft, pending, in_progress, sent, failed, cancelled, and a sending job that skips `stopped` sends.
DRAFT, PENDING, IN_PROGRESS, SENT, FAILED, CANCELLED, STOPPED = (
    "draft", "pending", "in_progress", "sent", "failed", "cancelled", "stopped")

SEND = StateMachine(
    statuses=(DRAFT, PENDING, IN_PROGRESS, SENT, FAILED, CANCELLED, STOPPED),
    transitions={
        "stop": {DRAFT: STOPPED, PENDING: STOPPED, IN_PROGRESS: STOPPED},  # seed 001; final statuses refuse
        "start": {PENDING: IN_PROGRESS},  # the clock reaches the send's start time
        "finish": {IN_PROGRESS: SENT},  # the clock reaches the send's last step
    },
    clock_actions=("start", "finish"),  # moved by the tenant's clock, never by a client
)
# ASSUMPTION 2: only pending and in_progress sends move with the clock ("live"); a draft waits for
# someone to schedule it, which no documented endpoint does, so it stays a draft.
LIVE = (PENDING, IN_PROGRESS)

MANUAL, MULTISTEP, PLANNER = "manual", "multistep", "planner"
SEND_TYPES = (MANUAL, MULTISTEP, PLANNER)

# ASSUMPTION 3: a send starts at its type's `send_datetime` (manual_data, multistep_data, or
# planner_data.multistep_data); when that is null it starts when it was created (`created_at`).

# ASSUMPTION 4: a manual send without `throttle_batch_size` (0) sends `send_amount` in one burst at its
# start; with it, one batch of that size a minute, the first at the start.
BATCH_INTERVAL_SECONDS = 60

# ASSUMPTION 5: a multistep send's first step goes out one `step_delay` after the start (the delay comes
# before each step), so N delays make N steps. It stops at `max_sms_to_send` messages or when the next
# step would fall later than `max_minutes_to_send` after the start (0 means no such cap), or when every
# available contact has had one message. A step due exactly at the minute cap still goes out.
# ASSUMPTION 6: the mock has no contacts: the audience is `multistep_status.total_available_contacts`
# (sends created without it get DEFAULT_AUDIENCE). `min_ctr` never stops a send: the mock has no clicks.
DEFAULT_AUDIENCE = 1000

# ASSUMPTION 7: a planner send uses planner_data.multistep_data for its steps and caps. Its steps go out
# at each open window's start and every step_delay minutes while the window is open, only on
# `days_of_week` (Mon..Sun, case-insensitive, full names accepted). A day's window is its
# `weekly_schedule` entry, else `default`; "HH:MM" times in UTC (the contacts' time zones are unknown
# to a mock); end <= start means closed. A day sends at most daily_sms_contact_limit x audience, an ISO
# week (from Monday) weekly_sms_contact_limit x audience; a step is cut to what is left. It finishes at
# max_sms_to_send, at max_minutes_to_send, or, with neither, after one full week's worth
# (weekly_sms_contact_limit x audience): a planner is a plan for the week. A planner that can never
# send (no open day, a zero limit) finishes at once with nothing sent.
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Why a send finished, written to multistep_status.status_reason.
# ASSUMPTION 8: status_reason texts are the mock's own (the docs show only "No segments selected").
REASON_AMOUNT = "send_amount sent"
REASON_MAX_SMS = "max_sms_to_send reached"
REASON_MAX_MINUTES = "max_minutes_to_send reached"
REASON_AUDIENCE = "Every available contact reached"
REASON_WEEKLY = "Weekly contact limit reached for every contact"
REASON_NO_WINDOW = "No sending window"
REASON_STOPPED = "Stopped"

# ASSUMPTION 15: so one read can never run away, a send ends after MAX_STEPS steps or when its next step
# would fall after the year 9999 (no sensible configuration comes near either); and so one send costs a
# bounded amount to keep and to answer, `steps_performance` lists its most recent STEPS_SHOWN steps only
# (`current_step` and `total_sent` still count every step), as a log that rolls over would.
MAX_STEPS = 20_000
STEPS_SHOWN = 100
REASON_MOCK_LIMIT = "The mock's step limit reached"

# ASSUMPTION 9: logs: the seed shows caller_type "Send"; the mock logs creation, start, finish and stop,
# each with caller_id = the send's id.
CALLER_TYPE = "Send"
LOG_CREATED = "Send created"
LOG_STARTED = "Send started"
LOG_FINISHED = "Send finished: {total} messages sent"
LOG_STOPPED = "Send stopped: {total} messages sent"

# ASSUMPTION 10: errors are not documented; Laravel's defaults (route model binding, validation).
MODEL_NOT_FOUND = "No query results for model [App\\Models\\{model}] {id}"
# The model each path parameter binds (a malformed id gets the same 404 as an unknown one).
PATH_MODELS = {"campaign": "SmsCampaign", "campaignSend": "SmsCampaignSend"}
STOP_REFUSED = "The campaign send cannot be stopped: it is already {status}."

# ASSUMPTION 11: new campaigns carry these settings (the values the docs' examples show, where they show
# a value; no routing plan, segment filter or domain plan is chosen yet, so those ids are null).
WINDOW = {"start": "09:00", "end": "18:00"}


def default_multistep_data() -> dict:
    return {"step_size": 200, "step_delay": 5, "min_ctr": 0, "max_sms_to_send": 0, "max_minutes_to_send": 0,
            "send_datetime": None, "is_active": True}


def default_planner_data() -> dict:
    return {"days_of_week": list(DAY_NAMES[:5]),
            "weekly_schedule": {day: dict(WINDOW) for day in ("default", *DAY_NAMES)},
            "multistep_data": default_multistep_data(),
            "weekly_sms_contact_limit": 5, "daily_sms_contact_limit": 1, "is_active": True}


def default_meta() -> dict:
    return {
        "send_type": MANUAL, "segment_ids": [], "sms_routing_plan_id": None, "filter_segment_id": None,
        "domain_plan_id": None, "use_dedicated_domains": False,
        "manual_data": {"send_amount": 200, "send_datetime": None, "throttle_batch_size": 0},
        "multistep_data": default_multistep_data(),
        "planner_data": default_planner_data(),
        "multistep_status": {
            "current_step": 0, "total_available_contacts": 0, "total_sent": 0, "last_sent_timestamp": 0,
            "start_timestamp": 0, "initial_brands": [], "steps_performance": [], "status": DRAFT,
            "status_reason": "", "last_timezones": [], "planner_data": default_planner_data()},
    }

# ASSUMPTION 12: a campaign PUT merges: given meta fields replace stored ones, nested objects field by
# field; unknown fields are ignored; the path names the campaign (a body `id` is ignored).
# ASSUMPTION 13: a send created through the control plane takes its campaign's meta as the template for
# every meta field it does not give (a new campaign's defaults when its campaign does not exist: such a
# send is kept, and the API answers 404 for it as for any send of another campaign; without
# sms_campaign_id it gets a fresh one). Log entries given without some field get it defaulted.
# ASSUMPTION 14: dates are RFC 3339 UTC with milliseconds (`created_at`, `updated_at`, `send_datetime`,
# `next_step_timestamp`); `*_timestamp` fields inside multistep_status are Unix seconds (the seed shows
# integers), 0 while unset.
