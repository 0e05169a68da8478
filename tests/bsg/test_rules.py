"""bsg's rules, without HTTP: the transition table against seed 003 and the renew page, dates, the
30-day window, who receives what, and the login bearer."""

from datetime import UTC, datetime

import pytest

from mockserver.providers.bsg import rules
from mockserver.providers.bsg.routes import bearer_for


def test_stop_is_allowed_exactly_from_the_seeds_statuses():
    # Seed 003: "Moderation/Paused/Sending/Planned"; Planned is the enum's scheduled.
    allowed = {s for s in rules.CAMPAIGN.statuses if rules.CAMPAIGN.target("stop", s) == rules.STOPPED}
    assert allowed == {"moderation", "paused", "sending", "scheduled"}


def test_renew_only_resumes_a_paused_campaign():
    assert {s: rules.CAMPAIGN.target("renew", s) for s in rules.CAMPAIGN.sources("renew")} == {"paused": "sending"}


def test_final_statuses_have_no_way_out():
    for action in rules.CAMPAIGN.transitions:
        for final in rules.FINAL:
            assert rules.CAMPAIGN.target(action, final) is None


def test_statuses_are_the_sdk_enum():
    assert set(rules.CAMPAIGN.statuses) == {"creation", "scheduled", "sending", "done", "paused", "stopped", "spam",
                                            "moderation"}


def test_dates_round_trip_in_utc():
    moment = datetime(2026, 3, 1, 10, 0, 5, 900_000, tzinfo=UTC)
    assert rules.render_date(moment) == "2026-03-01 10:00:05"
    assert rules.parse_date("2026-03-01 10:00:05") == moment.replace(microsecond=0)
    assert rules.render_date(None) is None


@pytest.mark.parametrize("text", ["2026-03-01T10:00:00", "2026-03-01T10:00:00.000000+0000",
                                  "2026-03-01T11:00:00.5+01:00", "2026-03-01T10:00:00Z"])
def test_parse_date_takes_the_sdks_iso_forms(text):
    """BSG's SDK sends start_at as datetime.isoformat() and list filters as %Y-%m-%dT%H:%M:%S.%f%z."""
    assert rules.render_date(rules.parse_date(text)) == "2026-03-01 10:00:00"


@pytest.mark.parametrize("text", ["2026-02-30 10:00:00", "2026-03-01T10:00", "2026-03-01 10:00",
                                  "0001-01-01T00:00:00+05:00", "1000-01-01T00:30:00+01:00",
                                  "٢٠٢٦-03-01 10:00:00", "2026-03-01 10:00:00\n"])
def test_parse_date_refuses_anything_else(text):
    with pytest.raises(ValueError):
        rules.parse_date(text)


@pytest.mark.parametrize(("now", "latest"), [
    ("2026-03-01 00:00:00", "2026-03-30 23:59:59"),
    ("2026-03-01 23:59:59", "2026-03-30 23:59:59"),
    ("2026-12-15 08:00:00", "2027-01-13 23:59:59"),
])
def test_the_latest_start_is_the_end_of_the_30th_day_counting_today(now, latest):
    assert rules.render_date(rules.latest_start(rules.parse_date(now))) == latest


@pytest.mark.parametrize(("moment", "before"), [
    ("2026-05-31 10:00:00", "2026-02-28 10:00:00"),
    ("2024-05-31 10:00:00", "2024-02-29 10:00:00"),
    ("2026-02-15 10:00:00", "2025-11-15 10:00:00"),
])
def test_three_months_back_clamps_the_day(moment, before):
    assert rules.render_date(rules.months_before(rules.parse_date(moment), 3)) == before


@pytest.mark.parametrize(("contact", "rcs", "sms"), [
    ({"number": "380661231231"}, True, False),
    ({"number": "380661231231", "rcs": False}, False, True),
    ({"number": "12345"}, False, False),
    ({"number": "+380661231231"}, False, False),
    ({}, False, False),
])
def test_who_is_reached(contact, rcs, sms):
    assert rules.rcs_delivered(contact) is rcs
    assert rules.sms_delivered(contact) is sms


def test_name_and_price():
    assert rules.campaign_name("2026-03-01 10:00:00") == "RCS api campaign / 2026-03-01 10:00:00"
    assert rules.price(7) == 0.35 and rules.price(0) == 0.0


def test_the_bearer_is_stable_per_key_and_hides_it():
    assert bearer_for("live_a") == bearer_for("live_a") != bearer_for("live_b")
    assert bearer_for("live_a").count(".") == 2 and "live_a" not in bearer_for("live_a")


def test_create_takes_only_documented_fields():
    assert set(rules.CREATE_FIELDS) == {"groups", "sender", "tariff_code", "validity", "start_at", "options",
                                        "alternative_channel", "check_stop_list"}
