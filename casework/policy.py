"""Configurable policy: due dates per urgency and category, the duplicate window, retention, visit reminders.

Defaults follow the issue (urgent: 1 day, duplicate window 30 days, retention a year after closing,
access log kept at least a year, a reminder on the third Wednesday for households not visited in 30 days).
"""

from __future__ import annotations

import calendar
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from casework.model import NeedCategory, Urgency

# Korea has no daylight saving time, so a fixed offset is exact and needs no tz database.
KST = dt.timezone(dt.timedelta(hours=9), "KST")

DEFAULT_DUPLICATE_WINDOW_DAYS = 30
DEFAULT_RETENTION_DAYS = 365
# How long what a person typed or answered is kept (see Retention).
DEFAULT_SELF_CHECK_DAYS = 90
DEFAULT_HOUSEHOLD_CONSULTATION_DAYS = 365
DEFAULT_VISIT_DAYS = 365
DEFAULT_DRAFT_HOURS = 24
DEFAULT_REMINDER_DAYS = 30
DEFAULT_OUTCOME_DAYS = 365
# The access log is evidence of who looked at residents' data; it is kept at least this long, whatever
# the configuration says.
MIN_ACCESS_LOG_DAYS = 365


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Overrides = dict[NeedCategory, dict[Urgency, int]]


class Timeframes(_Frozen):
    """Days from logging to due, by urgency; `overrides` changes them for single categories.

    Calendar days, not working days: an urgent need logged on Friday is due on Saturday, because
    urgency (a utility cut, no food) does not wait for Monday.
    """

    urgent: int = Field(default=1, ge=1)
    normal: int = Field(default=7, ge=1)
    low: int = Field(default=14, ge=1)
    overrides: dict[NeedCategory, dict[Urgency, int]] = Field(default_factory=dict)

    @field_validator("overrides")
    @classmethod
    def _positive(cls, value: _Overrides) -> _Overrides:
        for category, days in value.items():
            for urgency, n in days.items():
                if n < 1:
                    raise ValueError(f"{category.value}/{urgency.value}: days must be at least 1, got {n}")
        return value

    def days(self, category: NeedCategory, urgency: Urgency) -> int:
        override = self.overrides.get(NeedCategory(category), {}).get(Urgency(urgency))
        if override is not None:
            return override
        return {Urgency.URGENT: self.urgent, Urgency.NORMAL: self.normal, Urgency.LOW: self.low}[
            Urgency(urgency)
        ]

    def due_at(self, created_at: dt.datetime, category: NeedCategory, urgency: Urgency) -> dt.datetime:
        return created_at + dt.timedelta(days=self.days(category, urgency))


def nth_weekday_of_month(year: int, month: int, n: int = 3, weekday: int = 2) -> dt.date | None:
    """The n-th given weekday (Monday = 0) of the month; n = -1 is the last. None if the month has no n-th.

    Defaults: the third Wednesday, a common fixed monthly visiting day.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, day).weekday() == weekday
    ]
    if n == -1:
        return dt.date(year, month, days[-1])
    if not 1 <= n <= 5:
        raise ValueError(f"n must be 1 to 5 or -1 (last), got {n}")
    return dt.date(year, month, days[n - 1]) if n <= len(days) else None


class VisitPolicy(_Frozen):
    """When staff are reminded of households in their caseload that nobody has visited lately."""

    days_without_visit: int = Field(default=30, ge=1)
    nth: int = Field(default=3, description="which weekday of the month: 1 to 4, or -1 for the last")
    weekday: int = Field(default=2, ge=0, le=6, description="0 = Monday … 6 = Sunday")

    @field_validator("nth")
    @classmethod
    def _nth(cls, value: int) -> int:
        # A fifth weekday exists only in some months; a monthly reminder must come every month.
        if value not in (1, 2, 3, 4, -1):
            raise ValueError(f"nth must be 1, 2, 3, 4 or -1 (last), got {value}")
        return value

    def reminder_day(self, year: int, month: int) -> dt.date:
        day = nth_weekday_of_month(year, month, self.nth, self.weekday)
        assert day is not None  # nth is at most 4 or the last, which every month has
        return day

    def is_reminder_day(self, day: dt.date) -> bool:
        return day == self.reminder_day(day.year, day.month)


def is_reminder_day(day: dt.date, policy: VisitPolicy | None = None) -> bool:
    """True on the monthly visiting day (default: the third Wednesday). Pass the day in Korean time."""
    return (policy or VisitPolicy()).is_reminder_day(day)


class CaseworkPolicy(_Frozen):
    """Everything configurable about casework, in one object for the settings to build."""

    timeframes: Timeframes = Field(default_factory=Timeframes)
    duplicate_window_days: int = Field(default=DEFAULT_DUPLICATE_WINDOW_DAYS, ge=0)
    retention_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1)
    access_log_keep_days: int = Field(default=MIN_ACCESS_LOG_DAYS)
    visits: VisitPolicy = Field(default_factory=VisitPolicy)

    @model_validator(mode="after")
    def _keep_access_log(self) -> CaseworkPolicy:
        if self.access_log_keep_days < MIN_ACCESS_LOG_DAYS:
            raise ValueError(f"access_log_keep_days must be at least {MIN_ACCESS_LOG_DAYS}")
        return self


class Retention(_Frozen):
    """How long each kind of personal data is kept; the retention job and the privacy text read it.

    - needs_days: a need is anonymised this long after it was closed (counts stay for statistics);
    - self_check_days: a resident's own self-check (answers, question log, results) is deleted this
      long after it was last changed;
    - household_consultation_days: the same for consultations staff held for a household (their
      answers are offered for reuse only for REUSE_MAX_AGE_DAYS, shown as history until then);
    - visit_days: a visit loses its household and note this long after it happened (it still counts);
    - draft_hours: half-typed input (a need being described, a note) is dropped this long after it
      was last touched;
    - access_log_days: who looked at what, kept at least a year;
    - reminder_days: a reminder (an application window, a birthday month, a "did you get it?") is
      kept until it is sent and deleted this long after (a follow-up waits this long for its answer);
    - outcome_days: what a person answered to a follow-up (applied, received …) keeps its links to
      the person, household and consultation this long; then only the count remains.
    """

    needs_days: int = Field(default=DEFAULT_RETENTION_DAYS, ge=1)
    self_check_days: int = Field(default=DEFAULT_SELF_CHECK_DAYS, ge=1)
    household_consultation_days: int = Field(default=DEFAULT_HOUSEHOLD_CONSULTATION_DAYS, ge=1)
    visit_days: int = Field(default=DEFAULT_VISIT_DAYS, ge=1)
    draft_hours: int = Field(default=DEFAULT_DRAFT_HOURS, ge=1)
    access_log_days: int = Field(default=MIN_ACCESS_LOG_DAYS, ge=MIN_ACCESS_LOG_DAYS)
    reminder_days: int = Field(default=DEFAULT_REMINDER_DAYS, ge=1)
    outcome_days: int = Field(default=DEFAULT_OUTCOME_DAYS, ge=1)
