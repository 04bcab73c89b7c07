"""Visits to households and the monthly reminder of households nobody has visited lately."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from storage.casework_base import (
    _note,
    _now,
)
from storage.models import (
    Household,
    User,
)
from storage.models_needs import (
    Visit,
)
from storage.people import list_staff


@dataclass(frozen=True, slots=True)
class DueVisit:
    household: Household
    last_visited_at: dt.datetime | None  # None: never visited


# --- visits ------------------------------------------------------------------------------------------


def record_visit(
    s: Session, household: Household, staff: User, now: dt.datetime | None = None, note: str | None = None
) -> Visit:
    visit = Visit(household=household, staff_id=staff.id, visited_at=_now(now), note=_note(note))
    s.add(visit)
    s.flush()
    return visit


def households_due_visit(
    s: Session, staff: User, days: int = 30, now: dt.datetime | None = None
) -> list[DueVisit]:
    """Households in the staff member's caseload nobody has visited for `days` days: never visited first.

    Caseload as in storage.repo.caseload: assigned to them, or created by them and assigned to nobody.
    A visit by anyone counts: the household was seen.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = _now(now) - dt.timedelta(days=days)
    last = (
        select(Visit.household_id, func.max(Visit.visited_at).label("at"))
        .group_by(Visit.household_id)
        .subquery()
    )
    mine = or_(
        Household.assigned_staff_id == staff.id,
        and_(Household.assigned_staff_id.is_(None), Household.created_by_id == staff.id),
    )
    query = (
        select(Household, last.c.at)
        .outerjoin(last, last.c.household_id == Household.id)
        .where(mine, or_(last.c.at.is_(None), last.c.at < cutoff))
        .order_by(case((last.c.at.is_(None), 0), else_=1), last.c.at, Household.id)
    )
    # max() keeps the column's type, so UTCDateTime hands back aware UTC values here too.
    return [DueVisit(household, at) for household, at in s.execute(query)]


def staff_due_visits(
    s: Session, days: int = 30, now: dt.datetime | None = None
) -> list[tuple[User, list[DueVisit]]]:
    """For the monthly reminder: every active staff member with at least one household due a visit."""
    out = []
    for summary in list_staff(s):
        if not summary.user.active:
            continue
        due = households_due_visit(s, summary.user, days, now)
        if due:
            out.append((summary.user, due))
    return out
