"""When reminders are due (knowledge.reminders): yearly windows and the month before turning 65."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.model import Period
from knowledge.reminders import pension_month, period_reminder, window

MAY = Period(start="05-01", end="05-31")
WINTER = Period(start="11-15", end="02-15")


def test_the_next_window_opens_next_year_once_this_one_is_over() -> None:
    assert period_reminder(MAY, dt.date(2026, 12, 5)) == dt.date(2027, 5, 1)
    assert period_reminder(MAY, dt.date(2026, 4, 30)) == dt.date(2026, 5, 1)


def test_no_reminder_while_a_window_is_open() -> None:
    assert period_reminder(MAY, dt.date(2026, 5, 31)) is None
    assert window(MAY, dt.date(2026, 5, 10)).end == dt.date(2026, 5, 31)


def test_a_window_over_the_new_year() -> None:
    assert period_reminder(WINTER, dt.date(2027, 1, 3)) is None
    assert window(WINTER, dt.date(2027, 1, 3)).start == dt.date(2026, 11, 15)
    assert period_reminder(WINTER, dt.date(2027, 3, 1)) == dt.date(2027, 11, 15)


@pytest.mark.parametrize(
    ("age", "month", "expected"),
    [
        (64, 3, dt.date(2027, 2, 1)),  # turns 65 in March 2027: may apply from February
        (64, 1, dt.date(2026, 12, 1)),  # turns 65 in January: December, this month, has come
        (63, 1, dt.date(2027, 12, 1)),
        (62, 6, dt.date(2029, 5, 1)),
    ],
)
def test_the_month_before_the_65th_birthday_month(age: int, month: int, expected: dt.date) -> None:
    today = dt.date(2026, 11, 20)
    assert pension_month(age, month, today) == expected or (
        expected <= today and pension_month(age, month, today) is None
    )


def test_no_birthday_reminder_when_it_has_come_or_is_far_off() -> None:
    today = dt.date(2026, 12, 5)
    assert pension_month(64, 12, today) is None  # turns 65 this month: apply now
    assert pension_month(65, 6, today) is None
    assert pension_month(50, 6, today) is None  # more than five years ahead
    with pytest.raises(ValueError):
        pension_month(64, 13, today)
