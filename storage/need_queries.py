"""Reading needs in bulk: lists with filters and pages, the digest, statistics rows and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, and_, case, func, literal_column, select
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
    count_limit: int | None = None,
) -> tuple[list[Need], int]:
    """One page of needs matching every filter given, and how many match in all.

    overdue=True: still being worked on and past due; False: everything else. Anonymised needs are left
    out unless asked for. order "newest" (logged last first) or "due" (earliest due first).
    count_limit: count no further than one past it (a total above count_limit means "more than that"):
    counting 300,000 matches to print one number costs more than the page itself.
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
    if not count:
        total = -1
    elif count_limit is None:
        total = s.scalar(select(func.count(Need.id)).where(*conditions)) or 0
    else:
        # The limit as a literal, not a parameter: PostgreSQL plans a prepared statement once for every
        # limit, guessing it cuts a tenth of the matches, and then prefers reading the whole table.
        # Selecting a constant, not the id, lets either database count from an index alone.
        matching = (
            select(literal_column("1"))
            .select_from(Need)
            .where(*conditions)
            .limit(literal_column(str(int(count_limit) + 1)))
            .subquery()
        )
        total = s.scalar(select(func.count()).select_from(matching)) or 0
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


def stats_rows(s: Session, clause: ColumnElement[bool] | None = None) -> list[NeedRow]:
    """Every need (under the clause), anonymised ones included (they still count, without a household).

    The rows statistics are worked out from when nothing is summarised (casework.stats.compute_stats):
    the reference the summary rows are checked against."""
    query = select(
        Need.id,
        Need.household_id,
        Need.resident_user_id,
        Need.category,
        Need.urgency,
        Need.status,
        Need.created_at,
        Need.due_at,
        Need.closed_at,
        Need.assignee_id,
    ).order_by(Need.id)
    if clause is not None:
        query = query.where(clause)
    rows = []
    for need_id, household, resident, category, urgency, status, created, due, closed, assignee in s.execute(
        query.execution_options(yield_per=5000)
    ):
        key = f"h:{household}" if household is not None else f"r:{resident}" if resident is not None else None
        rows.append(
            NeedRow(
                id=need_id,
                household_key=key,
                category=NeedCategory(category),
                urgency=Urgency(urgency),
                status=NeedStatus(status),
                created_at=created,
                due_at=due,
                closed_at=closed,
                assignee_id=assignee,
            )
        )
    return rows


def visits_rows(
    s: Session, since: dt.datetime | None = None, clause: ColumnElement[bool] | None = None
) -> list[VisitRow]:
    query = select(Visit.household_id, Visit.staff_id, Visit.visited_at).order_by(Visit.id)
    if since is not None:
        query = query.where(Visit.visited_at >= since)
    if clause is not None:
        query = query.where(clause)
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


def centres_with_needs(s: Session) -> list[int]:
    """Every centre some need is in (read from the needs themselves)."""
    query = select(Need.centre_id).where(Need.centre_id.is_not(None)).group_by(Need.centre_id)
    return sorted(int(c) for c in s.scalars(query) if c is not None)


def visits_by_staff(s: Session, clause: ColumnElement[bool] | None = None) -> dict[int, int]:
    """Staff user id → visits (under the clause), from the staff index."""
    query = select(Visit.staff_id, func.count(Visit.id)).group_by(Visit.staff_id)
    if clause is not None:
        query = query.where(clause)
    return {int(staff): int(n) for staff, n in s.execute(query)}


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
