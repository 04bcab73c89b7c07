"""Reading needs in bulk: lists with filters and pages, the digest, statistics rows and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, select
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
from storage.models_district import MeetingItem
from storage.models_needs import (
    Need,
    Visit,
)

_URGENCY_RANK = case((Need.urgency == Urgency.URGENT, 0), (Need.urgency == Urgency.NORMAL, 1), else_=2)


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
    # Only closed needs are ever anonymised: a list of needs still being worked on needs no such
    # condition, and without it the count is read from the status index alone.
    active_only = (
        status is not None
        and {NeedStatus(st) for st in ([status] if isinstance(status, str) else status)} <= ACTIVE_STATUSES
    )
    if not include_anonymised and not active_only:
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
    order: Literal["newest", "due", "urgency"] = "newest",
    now: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 10,
    scope: ColumnElement[bool] | None = None,
    centre_id: int | None = None,
    meeting_on: dt.date | None = None,
    reported: bool | None = None,
    count: bool = True,
    due_index: bool = True,
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
    if scope is not None:
        conditions.append(scope)
    if centre_id is not None:
        conditions.append(Need.centre_id == centre_id)
    if meeting_on is not None:
        conditions.append(
            Need.id.in_(select(MeetingItem.need_id).where(MeetingItem.meeting_on == meeting_on))
        )
    if reported is not None:
        conditions.append(Need.reported_by_id.is_not(None) if reported else Need.reported_by_id.is_(None))
    total = (s.scalar(select(func.count(Need.id)).where(*conditions)) or 0) if count else -1
    # A narrow scope (a caseload, a centre) matches a few hundred needs: collecting them through their
    # own indexes and sorting is faster than walking the due-date index past everyone else's, which
    # PostgreSQL otherwise prefers. Sorting by an expression keeps the planner off that index.
    due = Need.due_at if due_index else func.coalesce(Need.due_at, Need.due_at)
    orderings = {
        "newest": (Need.created_at.desc(), Need.id.desc()),
        "due": (due, Need.id),
        # Urgent first, then by due date: the order a coordinator works a queue in.
        "urgency": (_URGENCY_RANK, due, Need.id),
    }
    ordering = orderings[order]
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


# --- at scale: counts and aggregates in SQL, exports streamed ----------------------------------------


@dataclass(frozen=True, slots=True)
class DigestCounts:
    """The daily digest as counts, and only the most urgent few needs by number."""

    new: int
    unassigned: int
    overdue: int
    awaiting_review: int
    most_urgent: list[tuple[int, str, str, dt.datetime]]  # need id, category, urgency, due


def digest_counts(
    s: Session, clause: ColumnElement[bool], now: dt.datetime | None = None, top: int = 5
) -> DigestCounts:
    now = _now(now)
    live = and_(Need.anonymised_at.is_(None), Need.status.in_(ACTIVE_STATUSES), clause)
    counts = s.execute(
        select(
            func.count(Need.id).filter(Need.created_at >= now - dt.timedelta(days=1)),
            func.count(Need.id).filter(Need.assignee_id.is_(None)),
            func.count(Need.id).filter(Need.due_at < now),
            func.count(Need.id).filter(Need.status == NeedStatus.REVIEW),
        ).where(live)
    ).one()
    urgent = s.execute(
        select(Need.id, Need.category, Need.urgency, Need.due_at)
        .where(live)
        .order_by(_URGENCY_RANK, Need.due_at, Need.id)
        .limit(top)
    ).all()
    return DigestCounts(
        new=int(counts[0]),
        unassigned=int(counts[1]),
        overdue=int(counts[2]),
        awaiting_review=int(counts[3]),
        most_urgent=[(int(i), str(c), str(u), d) for i, c, u, d in urgent],
    )


def _month_expr(s: Session) -> Any:
    # The month in Korean time: a need logged at 23:30 KST on 31 October belongs to October.
    if s.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Seoul", Need.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", Need.created_at, "+9 hours")


def _days_expr(s: Session) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Need.closed_at - Need.created_at) / 86400.0
    return func.julianday(Need.closed_at) - func.julianday(Need.created_at)


@dataclass(frozen=True, slots=True)
class Aggregates:
    by_category_status: dict[tuple[str, str], int]
    by_month: dict[str, int]
    households: int
    residents: int
    resolved: int
    median_days: float | None
    overdue: int
    visits_by_staff: dict[int, int]
    follow_up: dict[int, tuple[int, int]]  # assignee → (still being worked on, resolved)


def aggregates(
    s: Session,
    clause: ColumnElement[bool],
    today_start: dt.datetime,
    month_start: dt.datetime,
    visit_clause: ColumnElement[bool] | None = None,
    per_official: bool = False,
) -> Aggregates:
    """Statistics in a handful of GROUP BY statements read from indexes: nothing is loaded row by row."""
    # One pass over (status, category, due_at): the counts and, for active statuses, the overdue.
    grouped = s.execute(
        select(
            Need.status,
            Need.category,
            func.count(),
            func.count().filter(Need.due_at < today_start),
        )
        .where(clause)
        .group_by(Need.status, Need.category)
    ).all()
    overdue = sum(int(late) for status, _, _, late in grouped if NeedStatus(status) in ACTIVE_STATUSES)
    month = _month_expr(s)
    months = s.execute(
        select(month, func.count()).where(clause, Need.created_at >= month_start).group_by(month)
    ).all()
    # COUNT(DISTINCT …) makes SQLite build a temporary tree; grouping first reads the index in order.
    households = (
        s.scalar(
            select(func.count()).select_from(
                select(Need.household_id)
                .where(clause, Need.household_id.is_not(None))
                .group_by(Need.household_id)
                .subquery()
            )
        )
        or 0
    )
    residents = (
        s.scalar(
            select(func.count()).select_from(
                select(Need.resident_user_id)
                .where(clause, Need.resident_user_id.is_not(None))
                .group_by(Need.resident_user_id)
                .subquery()
            )
        )
        or 0
    )
    resolved_clause = and_(Need.status == NeedStatus.RESOLVED, Need.closed_at.is_not(None), clause)
    resolved = sum(int(n) for status, _, n, _ in grouped if NeedStatus(status) == NeedStatus.RESOLVED)
    median: float | None = None
    if resolved:
        days = _days_expr(s)
        if s.get_bind().dialect.name == "postgresql":
            median = s.scalar(select(func.percentile_cont(0.5).within_group(days)).where(resolved_clause))
        else:
            middle = (
                s.execute(
                    select(days)
                    .where(resolved_clause)
                    .order_by(days)
                    .offset((resolved - 1) // 2)
                    .limit(2 - resolved % 2)
                )
                .scalars()
                .all()
            )
            median = sum(middle) / len(middle) if middle else None
    visits_query = select(Visit.staff_id, func.count(Visit.id)).group_by(Visit.staff_id)
    if visit_clause is not None:
        visits_query = visits_query.where(visit_clause)
    visits = {int(staff): int(n) for staff, n in s.execute(visits_query)}
    follow_up: dict[int, tuple[int, int]] = {}
    if per_official:
        rows = s.execute(
            select(
                Need.assignee_id,
                func.count(Need.id).filter(Need.status.in_(ACTIVE_STATUSES)),
                func.count(Need.id).filter(Need.status == NeedStatus.RESOLVED),
            )
            .where(clause, Need.assignee_id.is_not(None))
            .group_by(Need.assignee_id)
        )
        follow_up = {int(a or 0): (int(o), int(r)) for a, o, r in rows}
    return Aggregates(
        by_category_status={(str(c), str(st)): int(n) for st, c, n, _ in grouped},
        by_month={str(m): int(n) for m, n in months},
        households=int(households),
        residents=int(residents),
        resolved=int(resolved),
        median_days=float(median) if median is not None else None,
        overdue=overdue,
        visits_by_staff=visits,
        follow_up=follow_up,
    )


def iter_export(s: Session, clause: ColumnElement[bool], batch: int = 2000) -> Iterator[ExportRow]:
    """Every need under the clause, oldest first, streamed: at most `batch` rows are held at a time."""
    query = (
        select(
            Need.id,
            Household.code,
            Need.resident_user_id,
            Need.category,
            Need.urgency,
            Need.status,
            Need.programs,
            Need.created_at,
            Need.due_at,
            Need.assignee_id,
            Need.closed_at,
            Need.description,
        )
        .outerjoin(Household, Household.id == Need.household_id)
        .where(clause)
        .order_by(Need.id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    for row in s.execute(query):
        yield ExportRow(
            need_id=row[0],
            household_code=row[1],
            by_resident=row[2] is not None,
            category=NeedCategory(row[3]),
            urgency=Urgency(row[4]),
            status=NeedStatus(row[5]),
            programs=tuple(row[6] or ()),
            created_at=row[7],
            due_at=row[8],
            assignee_id=row[9],
            closed_at=row[10],
            description=row[11],
        )
