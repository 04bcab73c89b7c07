"""The statistics' summary rows (storage.models_summary), kept exact in the transaction of every change
to a need, and read by /stats instead of the needs themselves.

Where they are kept: every write of a need goes through the ORM's flush (storage.needs.log_need and
apply — review, assign, status changes, reopening —, people.revoke_staff, district.link_household,
retention.anonymise_closed), so the flush is the one place that sees them all. Mapper events on Need
work out what each inserted, updated or deleted row counted in before and counts in after
(casework.summary.delta); at the end of the flush the changes are added to the summary rows with one
upsert per table, in key order (so two flushes never wait on each other's rows in opposite orders).
Bulk DELETEs of needs through the Session (/forget) are caught before they run and take their needs'
counts away. Nothing else changes the columns the summary counts: a bulk UPDATE of needs must not
(the retention job's only one clears consultation_id), and bulk inserts outside the ORM (the
benchmark's) call rebuild() afterwards.

`check` recomputes the rows from the needs and lists the differences (`python bot.py stats --check`);
`rebuild` replaces them (migration 0009 fills them the same way).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, UOWTransaction

from casework.model import ACTIVE_STATUSES, NeedStatus
from casework.summary import DISTRICT, Delta, Key, Kind, SummaryFacts, contributions, delta

# The module, not its classes: storage.models_needs imports this module at its end, which may be while
# storage.models_summary is still being imported (whichever model module is imported first).
from storage import models_summary as summary_models
from storage.models_needs import Need

FACT_COLUMNS = (
    "centre_id",
    "category",
    "status",
    "urgency",
    "created_at",
    "due_at",
    "closed_at",
    "assignee_id",
    "household_id",
    "resident_user_id",
)
KEYS: dict[Kind, tuple[str, ...]] = {
    Kind.COUNTS: ("centre_id", "category", "status", "urgency"),
    Kind.MONTHS: ("centre_id", "month"),
    Kind.DUE: ("centre_id", "due_on"),
    Kind.ASSIGNEES: ("assignee_id", "centre_id", "status"),
    Kind.RESOLUTIONS: ("centre_id", "hours"),
    Kind.OWNERS: ("scope_id", "owner", "owner_id"),
}


def table(kind: Kind) -> Table:
    """The table holding one kind of summary row (its key columns: KEYS[kind], and n)."""
    model = {
        Kind.COUNTS: summary_models.NeedCount,
        Kind.MONTHS: summary_models.NeedMonthCount,
        Kind.DUE: summary_models.NeedDueCount,
        Kind.ASSIGNEES: summary_models.NeedAssigneeCount,
        Kind.RESOLUTIONS: summary_models.NeedResolutionCount,
        Kind.OWNERS: summary_models.NeedOwnerCount,
    }[kind]
    found: Table = model.__table__  # type: ignore[assignment]
    return found


_NEEDS: Table = Need.__table__  # type: ignore[assignment]
_PENDING = "need_summary.pending"
_BATCH = 500


def facts_from(values: Mapping[Any, Any]) -> SummaryFacts:
    return SummaryFacts(**{key: values[key] for key in FACT_COLUMNS})


def _fact_columns() -> list[Any]:
    return [_NEEDS.c[key] for key in FACT_COLUMNS]


# --- applying changes --------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply(connection: Connection, change: Delta) -> None:
    """Add a change to the summary rows: an upsert per table (in key order), and rows that reach zero go."""
    by_kind: dict[Kind, list[tuple[Key, int]]] = defaultdict(list)
    for (kind, key), n in change.items():
        if n:
            by_kind[kind].append((key, n))
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for kind in Kind:
        rows = sorted(by_kind.get(kind, ()))
        if not rows:
            continue
        target, columns = table(kind), KEYS[kind]
        for chunk in _chunks(rows):
            stmt = dialect.insert(target).values(
                [{**dict(zip(columns, key, strict=True)), "n": n} for key, n in chunk]
            )
            connection.execute(
                stmt.on_conflict_do_update(
                    index_elements=list(columns), set_={"n": target.c.n + stmt.excluded.n}
                )
            )
        emptied = [key for key, n in rows if n < 0]
        key_columns = tuple_(*(target.c[c] for c in columns))
        for chunk in _chunks(emptied):
            connection.execute(delete(target).where(target.c.n == 0, key_columns.in_(list(chunk))))


def _pending(session: Session) -> Delta:
    found: Delta | None = session.info.get(_PENDING)
    if found is None:
        found = Counter()
        session.info[_PENDING] = found
    return found


def _old_facts(connection: Connection, target: Need) -> SummaryFacts:
    """What the row holds in the database now (this flush has not written it yet): the loaded values,
    read again only where this session does not know them."""
    state = inspect(target)
    values: dict[str, Any] = {}
    for key in FACT_COLUMNS:
        history = state.attrs[key].history
        if history.deleted:
            values[key] = history.deleted[0]
        elif history.unchanged:
            values[key] = history.unchanged[0]
    if len(values) < len(FACT_COLUMNS):
        row = connection.execute(select(*_fact_columns()).where(_NEEDS.c.id == target.id)).one()
        values = {**dict(row._mapping), **values}
    return facts_from(values)


def _new_facts(connection: Connection, target: Need, before: SummaryFacts | None = None) -> SummaryFacts:
    """What the row holds once this flush has written it."""
    state = inspect(target)
    values = {key: state.dict[key] for key in FACT_COLUMNS if key in state.dict}
    missing = [key for key in FACT_COLUMNS if key not in values]
    if before is not None:
        values.update({key: getattr(before, key) for key in missing})
    elif missing:
        columns = [_NEEDS.c[key] for key in missing]
        if any(c.default is not None or c.server_default is not None for c in columns):
            row = connection.execute(select(*columns).where(_NEEDS.c.id == target.id)).one()
            values.update(row._mapping)
        else:
            values.update(dict.fromkeys(missing))  # never set on a new row: NULL
    return facts_from(values)


def _session_of(target: Need) -> Session:
    session = inspect(target).session
    assert session is not None, "a need is flushed by its session"
    return session


@event.listens_for(Need, "after_insert")
def _inserted(_mapper: Mapper[Need], connection: Connection, target: Need) -> None:
    _pending(_session_of(target)).update(delta(None, _new_facts(connection, target)))


@event.listens_for(Need, "before_update")
def _updating(_mapper: Mapper[Need], connection: Connection, target: Need) -> None:
    before = _old_facts(connection, target)
    _pending(_session_of(target)).update(delta(before, _new_facts(connection, target, before)))


@event.listens_for(Need, "before_delete")
def _deleting(_mapper: Mapper[Need], connection: Connection, target: Need) -> None:
    _pending(_session_of(target)).update(delta(_old_facts(connection, target), None))


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: UOWTransaction) -> None:
    change = session.info.pop(_PENDING, None)
    if change:
        apply(session.connection(), change)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk_delete(orm_execute_state: ORMExecuteState) -> None:
    """DELETE FROM needs WHERE … through the Session: take those needs' counts away first."""
    if not orm_execute_state.is_delete:
        return
    statement: Any = orm_execute_state.statement
    target = getattr(statement, "table", None)  # delete(Need) names an annotated copy of the table
    if target is None or getattr(target, "name", None) != _NEEDS.name:
        return
    session = orm_execute_state.session
    query = select(*_fact_columns())
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    connection = session.connection()
    change: Delta = Counter()
    for row in connection.execute(query):
        change.update(delta(facts_from(row._mapping), None))
    apply(connection, change)


# --- rebuilding and checking -------------------------------------------------------------------------


def expected(connection: Connection) -> Counter[tuple[Kind, Key]]:
    """The summary rows worked out from every need (streamed)."""
    totals: Counter[tuple[Kind, Key]] = Counter()
    for row in connection.execute(select(*_fact_columns()).execution_options(yield_per=5000)):
        totals.update(contributions(facts_from(row._mapping)))
    return totals


def stored(connection: Connection) -> Counter[tuple[Kind, Key]]:
    found: Counter[tuple[Kind, Key]] = Counter()
    for kind, columns in KEYS.items():
        target = table(kind)
        for row in connection.execute(select(*(target.c[c] for c in columns), target.c.n)):
            found[(kind, tuple(row[:-1]))] = int(row[-1])
    return found


@dataclass(frozen=True, slots=True)
class Difference:
    kind: Kind
    key: Key
    stored: int
    expected: int


def check(connection: Connection) -> list[Difference]:
    """Every summary row that differs from the needs (an empty list: the summary is exact)."""
    have, want = stored(connection), expected(connection)
    return [
        Difference(kind, key, have.get((kind, key), 0), want.get((kind, key), 0))
        for kind, key in sorted(set(have) | set(want), key=lambda row: (row[0].value, repr(row[1])))
        if have.get((kind, key), 0) != want.get((kind, key), 0)
    ]


def rebuild(connection: Connection) -> int:
    """Replace the summary rows with ones worked out from the needs; returns how many rows were written."""
    by_kind: dict[Kind, list[dict[str, Any]]] = defaultdict(list)
    for (kind, key), n in expected(connection).items():
        if n:
            by_kind[kind].append({**dict(zip(KEYS[kind], key, strict=True)), "n": n})
    for kind in KEYS:
        connection.execute(delete(table(kind)))
        for chunk in _chunks(by_kind.get(kind, []), 5000):
            connection.execute(insert(table(kind)), list(chunk))
    return sum(len(found) for found in by_kind.values())


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """What /stats shows about needs, read from the summary rows."""

    by_category_status: dict[tuple[str, str], int]
    by_month: dict[str, int]
    households: int
    residents: int
    overdue: int
    resolution_hours: dict[int, int]  # begun hours from logging to resolution → resolved needs
    follow_up: dict[int, tuple[int, int]]  # assignee → (still being worked on, resolved)


def _within(table: Table, centres: Collection[int] | None) -> list[Any]:
    return [] if centres is None else [table.c.centre_id.in_(sorted(centres))]


def figures(
    s: Session,
    centres: Collection[int] | None,
    *,
    today: dt.date,
    first_month: str,
    per_official: bool = False,
) -> Figures:
    """The figures for these centres (None: the whole district, needs of no centre included).

    `today` is the Korean calendar date (overdue: due before it); months from `first_month` on."""
    counts, months, due = table(Kind.COUNTS), table(Kind.MONTHS), table(Kind.DUE)
    owners, assignees = table(Kind.OWNERS), table(Kind.ASSIGNEES)
    grouped = s.execute(
        select(counts.c.category, counts.c.status, func.sum(counts.c.n))
        .where(*_within(counts, centres))
        .group_by(counts.c.category, counts.c.status)
    ).all()
    by_month = s.execute(
        select(months.c.month, func.sum(months.c.n))
        .where(months.c.month >= first_month, *_within(months, centres))
        .group_by(months.c.month)
    ).all()
    overdue = s.scalar(select(func.sum(due.c.n)).where(due.c.due_on < today, *_within(due, centres)))
    people: dict[str, int]
    if centres is None or len(centres) == 1:
        scope = DISTRICT if centres is None else next(iter(centres))
        people = dict(
            s.execute(
                select(owners.c.owner, func.count())
                .where(owners.c.scope_id == scope)
                .group_by(owners.c.owner)
            ).all()
        )
    else:
        distinct = (
            select(owners.c.owner, owners.c.owner_id)
            .where(owners.c.scope_id.in_(sorted(centres)))
            .group_by(owners.c.owner, owners.c.owner_id)
            .subquery()
        )
        people = dict(s.execute(select(distinct.c.owner, func.count()).group_by(distinct.c.owner)).all())
    follow_up: dict[int, tuple[int, int]] = {}
    if per_official:
        # An official whose needs are all referred or closed unresolved still has a line: (0, 0).
        for who, status, n in s.execute(
            select(assignees.c.assignee_id, assignees.c.status, func.sum(assignees.c.n))
            .where(*_within(assignees, centres))
            .group_by(assignees.c.assignee_id, assignees.c.status)
        ):
            active, resolved = follow_up.get(int(who), (0, 0))
            if NeedStatus(status) in ACTIVE_STATUSES:
                active += int(n)
            elif NeedStatus(status) == NeedStatus.RESOLVED:
                resolved += int(n)
            follow_up[int(who)] = (active, resolved)
        follow_up = dict(sorted(follow_up.items()))
    return Figures(
        by_category_status={(str(c), str(st)): int(n) for c, st, n in grouped if n},
        by_month={str(m): int(n) for m, n in by_month if n},
        households=int(people.get("h", 0)),
        residents=int(people.get("r", 0)),
        overdue=int(overdue or 0),
        resolution_hours=resolution_hours(s, centres),
        follow_up=follow_up,
    )


def by_centre(s: Session, centres: Collection[int] | None) -> dict[int | None, tuple[int, int]]:
    """Centre id (None: no centre) → (all needs, still being worked on)."""
    counts = table(Kind.COUNTS)
    out: dict[int | None, tuple[int, int]] = {}
    for centre, status, n in s.execute(
        select(counts.c.centre_id, counts.c.status, func.sum(counts.c.n))
        .where(*_within(counts, centres))
        .group_by(counts.c.centre_id, counts.c.status)
    ):
        key = int(centre) or None
        total, active = out.get(key, (0, 0))
        n = int(n)
        out[key] = (total + n, active + (n if NeedStatus(status) in ACTIVE_STATUSES else 0))
    return out


def resolution_hours(s: Session, centres: Collection[int] | None) -> dict[int, int]:
    """Begun hours from logging to resolution → resolved needs."""
    target = table(Kind.RESOLUTIONS)
    found = s.execute(
        select(target.c.hours, func.sum(target.c.n)).where(*_within(target, centres)).group_by(target.c.hours)
    )
    return {int(h): int(n) for h, n in found if n}
