"""When a reminder is due: the next yearly application window, and the month before a 65th birthday
(기초연금 may be claimed from one month before the birthday month). Pure date arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from knowledge.model import Period

PENSION_AGE = 65
# A birthday reminder further ahead than this is not offered: the bot would keep a date about a person
# for years, and the rules may change before then.
MAX_YEARS_AHEAD = 5


def _day(year: int, month_day: str) -> dt.date:
    month, day = (int(part) for part in month_day.split("-"))
    if (month, day) == (2, 29):
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


@dataclass(frozen=True, slots=True)
class Window:
    start: dt.date
    end: dt.date

    def open_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def window(period: Period, today: dt.date) -> Window:
    """The window open today, or else the next one to open."""
    for year in (today.year - 1, today.year, today.year + 1):
        start = _day(year, period.start)
        end = _day(year + 1 if period.end < period.start else year, period.end)
        if today <= end:
            return Window(start, end)
    raise AssertionError("unreachable: next year's window always ends after today")


def period_reminder(period: Period, today: dt.date) -> dt.date | None:
    """The day to remind: the next window's first day; None while a window is open (apply now)."""
    w = window(period, today)
    return None if w.open_on(today) else w.start


def first_of_month_before(year: int, month: int) -> dt.date:
    return dt.date(year - 1, 12, 1) if month == 1 else dt.date(year, month - 1, 1)


def pension_month(
    age: int, birth_month: int, today: dt.date, pension_age: int = PENSION_AGE
) -> dt.date | None:
    """The first day of the month before the month a person of `age` (만 나이) born in `birth_month`
    turns `pension_age`: the day they may first apply. None when that day has come already (they may
    apply now) or is more than MAX_YEARS_AHEAD years away.

    A birthday in the current month counts as still to come: the earlier date, so nobody misses it."""
    if not 1 <= birth_month <= 12:
        raise ValueError(f"birth month must be 1 to 12, got {birth_month}")
    if age >= pension_age:
        return None
    next_birthday_year = today.year if birth_month >= today.month else today.year + 1
    year = next_birthday_year + (pension_age - 1 - age)
    day = first_of_month_before(year, birth_month)
    if day <= today or (day - today).days > MAX_YEARS_AHEAD * 366:
        return None
    return day
