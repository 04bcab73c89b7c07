from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from casework.model import NeedCategory, Urgency
from casework.policy import (
    KST,
    CaseworkPolicy,
    Timeframes,
    VisitPolicy,
    is_reminder_day,
    nth_weekday_of_month,
)

T0 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("urgency", "days"), [(Urgency.URGENT, 1), (Urgency.NORMAL, 7), (Urgency.LOW, 14)])
def test_default_timeframes(urgency: Urgency, days: int) -> None:
    assert Timeframes().due_at(T0, NeedCategory.HOUSING, urgency) == T0 + dt.timedelta(days=days)


def test_category_override_applies_only_to_that_category_and_urgency() -> None:
    frames = Timeframes(overrides={NeedCategory.COMPANIONSHIP: {Urgency.NORMAL: 3}}, low=21)
    assert frames.days(NeedCategory.COMPANIONSHIP, Urgency.NORMAL) == 3
    assert frames.days(NeedCategory.COMPANIONSHIP, Urgency.LOW) == 21
    assert frames.days(NeedCategory.INCOME, Urgency.NORMAL) == 7
    # Configuration arrives as strings (environment, JSON): they are parsed into the enums.
    parsed = Timeframes.model_validate({"overrides": {"safety": {"urgent": 2}}})
    assert parsed.due_at(T0, NeedCategory.SAFETY, Urgency.URGENT) == T0 + dt.timedelta(days=2)


@pytest.mark.parametrize("bad", [{"urgent": 0}, {"overrides": {"safety": {"low": 0}}}, {"weekly": 3}])
def test_timeframes_refuse_nonsense(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Timeframes.model_validate(bad)


@pytest.mark.parametrize(
    ("year", "month", "n", "weekday", "expected"),
    [
        (2026, 11, 3, 2, dt.date(2026, 11, 18)),  # third Wednesday
        (2026, 12, 3, 2, dt.date(2026, 12, 16)),
        (2026, 4, 1, 2, dt.date(2026, 4, 1)),  # the 1st itself is a Wednesday
        (2026, 4, 5, 2, dt.date(2026, 4, 29)),
        (2026, 11, 5, 2, None),  # November 2026 has four Wednesdays
        (2026, 2, -1, 5, dt.date(2026, 2, 28)),  # last Saturday
    ],
)
def test_nth_weekday_of_month(year: int, month: int, n: int, weekday: int, expected: dt.date | None) -> None:
    assert nth_weekday_of_month(year, month, n, weekday) == expected


@pytest.mark.parametrize(("n", "weekday"), [(0, 2), (6, 2), (3, 7), (3, -1)])
def test_nth_weekday_refuses_out_of_range(n: int, weekday: int) -> None:
    with pytest.raises(ValueError):
        nth_weekday_of_month(2026, 11, n, weekday)


def test_reminder_day_defaults_to_third_wednesday() -> None:
    assert is_reminder_day(dt.date(2026, 11, 18))
    assert not is_reminder_day(dt.date(2026, 11, 11))
    assert not is_reminder_day(dt.date(2026, 11, 25))
    hits = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    hits = [d for d in hits if is_reminder_day(d)]
    assert len(hits) == 12 and all(d.weekday() == 2 and 15 <= d.day <= 21 for d in hits)


def test_reminder_day_configurable_and_fifth_refused() -> None:
    last_friday = VisitPolicy(nth=-1, weekday=4)
    assert is_reminder_day(dt.date(2026, 11, 27), last_friday)
    with pytest.raises(ValidationError):
        VisitPolicy(nth=5)


def test_policy_defaults_and_access_log_floor() -> None:
    policy = CaseworkPolicy()
    assert (policy.duplicate_window_days, policy.retention_days, policy.access_log_keep_days) == (
        30,
        365,
        365,
    )
    assert policy.visits.days_without_visit == 30
    with pytest.raises(ValidationError, match="at least 365"):
        CaseworkPolicy(access_log_keep_days=90)
    assert CaseworkPolicy(access_log_keep_days=730).access_log_keep_days == 730


def test_kst_is_nine_hours_ahead() -> None:
    assert dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC).astimezone(KST).date() == dt.date(2026, 12, 1)
