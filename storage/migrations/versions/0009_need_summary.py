"""Summary rows for statistics: counts of needs by centre, category, status and urgency; by month
logged; still being worked on by due date; by assignee; resolved by hours to resolution; per household
and resident. Filled here from the needs already stored; from then on storage.need_summary keeps them
exact in the transaction of every change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The fill below is this revision's own copy of casework.summary.contributions (a migration must not
change meaning when the application's code does later); tests check that it gives exactly the rows
the application keeps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUM = sa.String(32)
KST = dt.timezone(dt.timedelta(hours=9))
ACTIVE = {"review", "open", "assigned", "in_progress"}
NO_CENTRE = 0
DISTRICT = -1
_HOUR = dt.timedelta(hours=1)

# table → key columns (with their types); every table also has n, the count.
TABLES: dict[str, list[tuple[str, Any]]] = {
    "need_counts": [("centre_id", sa.Integer()), ("category", ENUM), ("status", ENUM), ("urgency", ENUM)],
    "need_month_counts": [("centre_id", sa.Integer()), ("month", sa.String(7))],
    "need_due_counts": [("centre_id", sa.Integer()), ("due_on", sa.Date())],
    "need_assignee_counts": [("assignee_id", sa.Integer()), ("centre_id", sa.Integer()), ("status", ENUM)],
    "need_resolution_counts": [("centre_id", sa.Integer()), ("hours", sa.Integer())],
    "need_owner_counts": [("scope_id", sa.Integer()), ("owner", sa.String(1)), ("owner_id", sa.Integer())],
}


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC values.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _rows(need: Any) -> Iterator[tuple[str, tuple[Any, ...]]]:
    centre = need.centre_id if need.centre_id is not None else NO_CENTRE
    created = _aware(need.created_at)
    yield "need_counts", (centre, need.category, need.status, need.urgency)
    yield "need_month_counts", (centre, created.astimezone(KST).strftime("%Y-%m"))
    if need.status in ACTIVE:
        yield "need_due_counts", (centre, _aware(need.due_at).astimezone(KST).date())
    if need.assignee_id is not None:
        yield "need_assignee_counts", (need.assignee_id, centre, need.status)
    if need.status == "resolved" and need.closed_at is not None:
        yield "need_resolution_counts", (centre, -((created - _aware(need.closed_at)) // _HOUR))
    if need.household_id is not None:
        owner: tuple[str, int] | None = ("h", need.household_id)
    elif need.resident_user_id is not None:
        owner = ("r", need.resident_user_id)
    else:
        owner = None
    if owner is not None:
        yield "need_owner_counts", (centre, *owner)
        yield "need_owner_counts", (DISTRICT, *owner)


def _fill() -> None:
    bind = op.get_bind()
    needs = sa.table(
        "needs",
        *(
            sa.column(name, type_)
            for name, type_ in (
                ("centre_id", sa.Integer()),
                ("category", ENUM),
                ("status", ENUM),
                ("urgency", ENUM),
                ("created_at", sa.DateTime(timezone=True)),
                ("due_at", sa.DateTime(timezone=True)),
                ("closed_at", sa.DateTime(timezone=True)),
                ("assignee_id", sa.Integer()),
                ("household_id", sa.Integer()),
                ("resident_user_id", sa.Integer()),
            )
        ),
    )
    totals: Counter[tuple[str, tuple[Any, ...]]] = Counter()
    # Per statement: Connection.execution_options would change the connection for every later statement.
    for need in bind.execute(sa.select(needs).execution_options(yield_per=5000)):
        totals.update(_rows(need))
    for name, keys in TABLES.items():
        table = sa.table(name, *(sa.column(key, type_) for key, type_ in keys), sa.column("n", sa.Integer()))
        rows = [
            {**dict(zip((k for k, _ in keys), key, strict=True)), "n": n}
            for (kind, key), n in totals.items()
            if kind == name
        ]
        for start in range(0, len(rows), 5000):
            bind.execute(sa.insert(table), rows[start : start + 5000])


def upgrade() -> None:
    for name, keys in TABLES.items():
        op.create_table(
            name,
            *(sa.Column(key, type_, nullable=False, autoincrement=False) for key, type_ in keys),
            sa.Column("n", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint(*(key for key, _ in keys), name=f"pk_{name}"),
        )
    _fill()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
