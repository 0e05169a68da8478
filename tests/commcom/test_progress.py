"""Send progress by type, as pure functions of the clock (mockserver/providers/commcom/progress.py)."""

from datetime import UTC, datetime, timedelta

from mockserver.providers.commcom import progress

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(steps) -> progress.Run:
    return progress.Run(T0, lambda: steps)


def test_manual_without_throttle_is_one_burst_at_the_start():
    send = run(progress.manual(T0, 200, 0))
    before = send.progress(at(-1))
    assert (before.started, before.total, before.next_at) == (False, 0, T0)
    done = send.progress(T0)
    assert (done.total, len(done.recent), done.finished_at, done.next_at) == (200, 1, T0, None)
    assert done.reason == "send_amount sent"


def test_manual_throttled_sends_a_batch_a_minute_and_the_rest_last():
    send = run(progress.manual(T0, 250, 100))
    assert [send.progress(at(m)).total for m in (0, 0.5, 1, 2, 10)] == [100, 100, 200, 250, 250]
    assert send.progress(at(1)).finished_at is None
    assert send.progress(at(1)).next_at == at(2)
    assert send.progress(at(2)).finished_at == at(2)
    assert [s.sent for s in send.progress(at(2)).recent] == [100, 100, 50]


def test_manual_of_nothing_finishes_at_its_start():
    done = run(progress.manual(T0, 0, 10)).progress(at(0))
    assert (done.total, done.finished_at) == (0, T0)


def test_multistep_steps_after_each_delay():
    send = run(progress.multistep(T0, 200, 5, 0, 0, 1000))
    assert send.progress(at(4.99)).total == 0
    assert send.progress(at(4.99)).next_at == at(5)
    three = send.progress(at(15))
    assert (three.total, len(three.recent), three.next_at) == (600, 3, at(20))
    assert [s.at for s in three.recent] == [at(5), at(10), at(15)]
    assert three.finished_at is None


def test_multistep_stops_at_max_sms_to_send_with_a_short_last_step():
    send = run(progress.multistep(T0, 200, 5, 500, 0, 1000))
    done = send.progress(at(60))
    assert [s.sent for s in done.recent] == [200, 200, 100]
    assert (done.finished_at, done.reason) == (at(15), "max_sms_to_send reached")


def test_multistep_stops_at_max_minutes_to_send_including_a_step_due_exactly_then():
    done = run(progress.multistep(T0, 100, 5, 0, 15, 1000)).progress(at(60))
    assert (done.total, done.finished_at, done.reason) == (300, at(15), "max_minutes_to_send reached")
    nothing = run(progress.multistep(T0, 100, 5, 0, 4, 1000)).progress(at(60))
    assert (nothing.total, nothing.finished_at) == (0, T0)


def test_multistep_stops_when_every_contact_had_one():
    done = run(progress.multistep(T0, 40, 1, 5000, 0, 100)).progress(at(10))
    assert (done.total, done.reason, done.finished_at) == (100, "Every available contact reached", at(3))


def test_reading_out_of_order_gives_the_same_answers():
    late_first, in_order = run(progress.multistep(T0, 7, 3, 0, 0, 100)), run(progress.multistep(T0, 7, 3, 0, 0, 100))
    times = [at(m) for m in range(0, 60, 2)]
    forward = [in_order.progress(t) for t in times]
    backward = [late_first.progress(t) for t in reversed(times)][::-1]
    assert forward == backward


MON_WED = progress.windows(["Mon", "wednesday"], {"default": {"start": "09:00", "end": "18:00"},
                                                 "Mon": {"start": "10:00", "end": "10:30"}})


def test_windows_use_the_day_entry_or_the_default_and_skip_bad_days():
    assert MON_WED == {0: (600, 630), 2: (540, 1080)}
    assert progress.windows(["Mo", "Funday", 3], {"default": {"start": "09:00", "end": "18:00"}}) == {}
    closed = progress.windows(["Tue"], {"Tue": {"start": "18:00", "end": "09:00"},
                                        "default": {"start": "09:00", "end": "10:00"}})
    assert closed == {}
    assert progress.windows(["Mon"], {"default": {"start": "09:00\n", "end": "18:00"}}) == {}  # not a time


def test_planner_sends_only_inside_its_windows():
    send = run(progress.planner(T0, 10, 10, 0, 0, 1000, MON_WED, 1, 5))
    monday = send.progress(at(60))
    assert [s.at for s in monday.recent] == [at(0), at(10), at(20)]  # 10:00-10:30 on Monday
    assert monday.next_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # Wednesday's window
    tuesday = send.progress(datetime(2026, 3, 3, 23, 59, tzinfo=UTC))
    assert tuesday.total == 30


EVERY_DAY = progress.windows(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                            {"default": {"start": "00:00", "end": "24:00"}})


def sent_per_day(steps) -> dict:
    per_day = {}
    for step in steps:
        per_day[step.at.date()] = per_day.get(step.at.date(), 0) + step.sent
    return per_day


def test_planner_keeps_to_the_daily_and_weekly_contact_limits():
    # 10 contacts: daily limit 1 -> at most 10 a day; weekly limit 2 -> at most 20 a week (Mon-Sun).
    send = run(progress.planner(T0, 4, 60, 45, 0, 10, EVERY_DAY, 1, 2))
    first_week = send.progress(datetime(2026, 3, 8, 23, 59, tzinfo=UTC))
    per_day = sent_per_day(first_week.recent)
    assert max(per_day.values()) == 10 and first_week.total == 20
    assert [s.sent for s in first_week.recent[:3]] == [4, 4, 2]  # the third step cut to the day's limit
    assert first_week.next_at == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)  # next Monday
    done = send.progress(datetime(2026, 3, 20, tzinfo=UTC))
    assert (done.total, done.reason) == (45, "max_sms_to_send reached")


def test_planner_without_caps_sends_one_weeks_worth():
    done = run(progress.planner(T0, 4, 60, 0, 0, 10, EVERY_DAY, 1, 2)).progress(datetime(2026, 4, 1, tzinfo=UTC))
    assert (done.total, done.reason) == (20, "Weekly contact limit reached for every contact")
    assert done.finished_at == done.recent[-1].at


def test_planner_stops_at_max_minutes_to_send():
    done = run(progress.planner(T0, 1, 60, 0, 180, 100, EVERY_DAY, 5, 5)).progress(at(24 * 60))
    assert [s.at for s in done.recent] == [at(0), at(60), at(120), at(180)]
    assert done.reason == "max_minutes_to_send reached"


def test_planner_without_any_open_day_finishes_at_once_with_nothing():
    done = run(progress.planner(T0, 5, 5, 0, 0, 100, {}, 1, 1)).progress(at(1))
    assert (done.total, done.finished_at, done.reason) == (0, T0, "No sending window")


def test_what_a_long_send_keeps_and_answers_stays_bounded():
    """Issue 12 defect 5: a send at the step cap after a 30-day advance keeps and answers a bounded amount
    (the last STEPS_SHOWN steps), while still counting every step."""
    import functools
    import pickle

    from mockserver.providers.commcom import rules

    send = progress.Run(T0, functools.partial(progress.multistep, T0, 1, 1, 0, 0, 10**9))  # picklable
    small = len(pickle.dumps(send))
    done = send.progress(at(30 * 24 * 60))
    assert (done.count, done.total, done.reason) == (rules.MAX_STEPS, rules.MAX_STEPS, rules.REASON_MOCK_LIMIT)
    assert len(done.recent) == rules.STEPS_SHOWN
    assert [s.number for s in done.recent] == list(range(rules.MAX_STEPS - rules.STEPS_SHOWN + 1, rules.MAX_STEPS + 1))
    assert len(pickle.dumps(send)) < small + 200 * (rules.STEPS_SHOWN + 1)  # not 20,000 steps


def test_reading_back_past_the_steps_kept_gives_what_a_fresh_read_gives():
    def many():
        return progress.multistep(T0, 3, 2, 0, 0, 10**6)

    late_first, fresh = progress.Run(T0, many), progress.Run(T0, many)
    late_first.progress(at(20_000))
    for minutes in (10, 500, 1_000, 19_999, 5):
        assert late_first.progress(at(minutes)) == fresh.progress(at(minutes)), minutes
