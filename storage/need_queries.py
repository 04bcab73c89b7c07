"""Reading needs in bulk: lists with filters and pages, the digest, statistics rows and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, selectinload

from casework.model import (
    ACTIVE_STATUSES,
    NeedCategory,
    NeedStatus,
    Urgency,
)
from casework.rows import ExportRow, NeedRow, VisitRow
from storage.casework_base import (
    MAX_PAGE,
    _now,
)
from storage.models import (
    Household,
    utcnow,
)
from storage.models_needs import (
    Need,
    Visit,
)


@dataclass(frozen=True, slots=True)
class Digest:
    new_since_yesterday: list[Need]
    unassigned: list[Need]
    overdue: list[Need]


def _filters(
    *,
    status: NeedStatus | Iterable[NeedStatus] | None,
    category: NeedCategory | None,
    urgency: Urgency | None,
    assignee_id: int | None,
    unassigned: bool,
    household_id: int | None,
    overdue: bool | None,
    include_anonymised: bool,
    now: dt.datetime,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        statuses = [NeedStatus(status)] if isinstance(status, str) else [NeedStatus(st) for st in status]
        conditions.append(Need.status.in_(statuses))
    if category is not None:
        conditions.append(Need.category == NeedCategory(category))
    if urgency is not None:
        conditions.append(Need.urgency == Urgency(urgency))
    if assignee_id is not None:
        conditions.append(Need.assignee_id == assignee_id)
    if unassigned:
        conditions.append(Need.assignee_id.is_(None))
    if household_id is not None:
        conditions.append(Need.household_id == household_id)
    late = and_(Need.status.in_(ACTIVE_STATUSES), Need.due_at < now)
    if overdue is True:
        conditions.append(late)
    elif overdue is False:
        conditions.append(~late)
    if not include_anonymised:
        conditions.append(Need.anonymised_at.is_(None))
    return conditions


def list_needs(
    s: Session,
    *,
    status: NeedStatus | Iterable[NeedStatus] | None = None,
    category: NeedCategory | None = None,
    urgency: Urgency | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    household_id: int | None = None,
    overdue: bool | None = None,
    include_anonymised: bool = False,
    order: Literal["newest", "due"] = "newest",
    now: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[Need], int]:
    """One page of needs matching every filter given, and how many match in all.

    overdue=True: still being worked on and past due; False: everything else. Anonymised needs are left
    out unless asked for. order "newest" (logged last first) or "due" (earliest due first).
    """
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"offset must be ≥ 0 and limit 1 to {MAX_PAGE}")
    conditions = _filters(
        status=status,
        category=category,
        urgency=urgency,
        assignee_id=assignee_id,
        unassigned=unassigned,
        household_id=household_id,
        overdue=overdue,
        include_anonymised=include_anonymised,
        now=_now(now),
    )
    total = s.scalar(select(func.count(Need.id)).where(*conditions)) or 0
    ordering = (Need.created_at.desc(), Need.id.desc()) if order == "newest" else (Need.due_at, Need.id)
    query = (
        select(Need)
        .where(*conditions)
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
        .options(selectinload(Need.household), selectinload(Need.assignee))
    )
    return list(s.scalars(query)), total


def digest(s: Session, now: dt.datetime | None = None) -> Digest:
    """For the coordinators' daily message: logged in the last 24 hours, nobody's yet, past due."""
    now = _now(now)

    def needs(*conditions: ColumnElement[bool]) -> list[Need]:
        query = (
            select(Need)
            .where(Need.anonymised_at.is_(None), *conditions)
            .order_by(Need.due_at, Need.id)
            .options(selectinload(Need.household), selectinload(Need.assignee))
        )
        return list(s.scalars(query))

    return Digest(
        new_since_yesterday=needs(Need.created_at >= now - dt.timedelta(days=1)),
        unassigned=needs(Need.status.in_(ACTIVE_STATUSES), Need.assignee_id.is_(None)),
        overdue=needs(Need.status.in_(ACTIVE_STATUSES), Need.due_at < now),
    )


# --- statistics and export ---------------------------------------------------------------------------


def stats_rows(s: Session) -> list[NeedRow]:
    """Every need, anonymised ones included (they still count, without a household)."""
    rows = []
    for need in s.scalars(select(Need).order_by(Need.id)):
        if need.household_id is not None:
            key: str | None = f"h:{need.household_id}"
        elif need.resident_user_id is not None:
            key = f"r:{need.resident_user_id}"
        else:
            key = None
        rows.append(
            NeedRow(
                id=need.id,
                household_key=key,
                category=NeedCategory(need.category),
                urgency=Urgency(need.urgency),
                status=NeedStatus(need.status),
                created_at=need.created_at,
                due_at=need.due_at,
                closed_at=need.closed_at,
            )
        )
    return rows


def visits_rows(s: Session, since: dt.datetime | None = None) -> list[VisitRow]:
    query = select(Visit.household_id, Visit.staff_id, Visit.visited_at).order_by(Visit.id)
    if since is not None:
        query = query.where(Visit.visited_at >= since)
    return [VisitRow(household_id=h, staff_id=st, visited_at=at) for h, st, at in s.execute(query)]


def export_rows(
    s: Session,
    *,
    status: NeedStatus | Iterable[NeedStatus] | None = None,
    category: NeedCategory | None = None,
    since: dt.datetime | None = None,
) -> list[ExportRow]:
    """Needs for export, oldest first: household codes and internal ids only, never names or Telegram ids."""
    conditions = _filters(
        status=status,
        category=category,
        urgency=None,
        assignee_id=None,
        unassigned=False,
        household_id=None,
        overdue=None,
        include_anonymised=True,
        now=utcnow(),
    )
    if since is not None:
        conditions.append(Need.created_at >= since)
    query = (
        select(Need, Household.code)
        .outerjoin(Household, Household.id == Need.household_id)
        .where(*conditions)
        .order_by(Need.id)
    )
    return [
        ExportRow(
            need_id=need.id,
            household_code=code,
            by_resident=need.resident_user_id is not None,
            category=NeedCategory(need.category),
            urgency=Urgency(need.urgency),
            status=NeedStatus(need.status),
            programs=tuple(need.programs),
            created_at=need.created_at,
            due_at=need.due_at,
            assignee_id=need.assignee_id,
            closed_at=need.closed_at,
            description=need.description,
        )
        for need, code in s.execute(query)
    ]
