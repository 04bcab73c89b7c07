"""What one need contributes to the statistics' summary rows, and what a change does to them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.model import NeedCategory as C
from casework.model import NeedStatus as S
from casework.model import Urgency as U
from casework.summary import (
    DISTRICT,
    NO_CENTRE,
    Kind,
    SummaryFacts,
    contributions,
    delta,
    median_days,
    resolution_hours,
)

T0 = dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)  # 1 October 01:00 in Korea
OPEN = SummaryFacts(
    centre_id=7,
    category=C.HOUSING,
    status=S.OPEN,
    urgency=U.NORMAL,
    created_at=T0,
    due_at=T0 + dt.timedelta(days=7),
    closed_at=None,
    assignee_id=None,
    household_id=42,
    resident_user_id=None,
)


def test_an_open_need_counts_once_in_each_kind_that_applies() -> None:
    assert contributions(OPEN) == [
        (Kind.COUNTS, (7, "housing", "open", "normal")),
        (Kind.MONTHS, (7, "2026-10")),  # the month in Korean time
        (Kind.DUE, (7, dt.date(2026, 10, 8))),  # due 7 October 16:00 UTC = 8 October in Korea
        (Kind.OWNERS, (7, "h", 42)),
        (Kind.OWNERS, (DISTRICT, "h", 42)),
    ]


def test_no_centre_resident_and_assignee() -> None:
    own = dataclasses.replace(OPEN, centre_id=None, household_id=None, resident_user_id=5, assignee_id=9)
    rows = contributions(own)
    assert (Kind.OWNERS, (NO_CENTRE, "r", 5)) in rows and (Kind.OWNERS, (DISTRICT, "r", 5)) in rows
    assert (Kind.ASSIGNEES, (9, NO_CENTRE, "open")) in rows
    both = dataclasses.replace(OPEN, resident_user_id=5)  # a household's need counts as the household's
    assert [key for kind, key in contributions(both) if kind == Kind.OWNERS] == [
        (7, "h", 42),
        (DISTRICT, "h", 42),
    ]
    anonymised = dataclasses.replace(OPEN, household_id=None)
    assert [kind for kind, _ in contributions(anonymised)] == [Kind.COUNTS, Kind.MONTHS, Kind.DUE]


def test_a_status_change_moves_only_the_rows_it_changes() -> None:
    assigned = dataclasses.replace(OPEN, status=S.ASSIGNED, assignee_id=3)
    assert delta(OPEN, assigned) == {
        (Kind.COUNTS, (7, "housing", "open", "normal")): -1,
        (Kind.COUNTS, (7, "housing", "assigned", "normal")): 1,
        (Kind.ASSIGNEES, (3, 7, "assigned")): 1,
    }
    resolved = dataclasses.replace(assigned, status=S.RESOLVED, closed_at=T0 + dt.timedelta(days=2))
    assert delta(assigned, resolved) == {
        (Kind.COUNTS, (7, "housing", "assigned", "normal")): -1,
        (Kind.COUNTS, (7, "housing", "resolved", "normal")): 1,
        (Kind.DUE, (7, dt.date(2026, 10, 8))): -1,  # no longer being worked on: never overdue
        (Kind.ASSIGNEES, (3, 7, "assigned")): -1,
        (Kind.ASSIGNEES, (3, 7, "resolved")): 1,
        (Kind.RESOLUTIONS, (7, 48)): 1,
    }
    # Reopening: open again, nobody's, a new due date, no longer resolved.
    reopened = dataclasses.replace(
        OPEN, due_at=T0 + dt.timedelta(days=9), status=S.OPEN, assignee_id=None, closed_at=None
    )
    assert delta(resolved, reopened) == {
        (Kind.COUNTS, (7, "housing", "resolved", "normal")): -1,
        (Kind.COUNTS, (7, "housing", "open", "normal")): 1,
        (Kind.ASSIGNEES, (3, 7, "resolved")): -1,
        (Kind.RESOLUTIONS, (7, 48)): -1,
        (Kind.DUE, (7, dt.date(2026, 10, 10))): 1,
    }
    assert delta(OPEN, OPEN) == {}


def test_new_and_deleted_needs() -> None:
    assert delta(None, OPEN) == dict.fromkeys(contributions(OPEN), 1)
    assert delta(OPEN, None) == dict.fromkeys(contributions(OPEN), -1)
    moved = dataclasses.replace(OPEN, centre_id=8)  # another centre: every row moves, the district's stays
    change = delta(OPEN, moved)
    assert (Kind.OWNERS, (DISTRICT, "h", 42)) not in change
    assert change[(Kind.OWNERS, (7, "h", 42))] == -1 and change[(Kind.OWNERS, (8, "h", 42))] == 1


@pytest.mark.parametrize(
    ("elapsed", "hours"),
    [
        (dt.timedelta(0), 0),
        (dt.timedelta(microseconds=1), 1),
        (dt.timedelta(hours=24), 24),  # exactly a day: in the "≤ 1 day" band
        (dt.timedelta(hours=24, microseconds=1), 25),  # a moment more: not
        (dt.timedelta(days=4, hours=12), 108),
    ],
)
def test_resolution_time_counts_begun_hours(elapsed: dt.timedelta, hours: int) -> None:
    assert resolution_hours(T0, T0 + elapsed) == hours


def test_median_of_the_hours_in_days() -> None:
    assert median_days({}) is None
    assert median_days({48: 1, 108: 1, 240: 1}) == 4.5  # 2, 4.5 and 10 days
    assert median_days({48: 1, 108: 1}) == pytest.approx(3.25)
    assert median_days({24: 3, 240: 1}) == 1.0
    assert median_days({24: 2, 240: 2}) == pytest.approx(5.5)
