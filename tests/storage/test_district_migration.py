"""Revision 0006 on a database that already holds a district's data: nothing lost, schema = models."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from storage.db import Database
from storage.models import Base

T = "2026-11-01 00:00:00"
# Plain SQL as of revision 0004: the models have moved on, the old schema has not.
SEED_0004 = [
    "INSERT INTO users (id, telegram_id, role, language, created_at, active) VALUES "
    f"(1, 100, 'coordinator', 'ko', '{T}', true), (2, 200, 'staff', 'ko', '{T}', true), "
    f"(3, 300, 'resident', 'ko', '{T}', true)",
    f"INSERT INTO households (id, code, created_at, created_by_id, assigned_staff_id) VALUES "
    f"(1, 'H-0001', '{T}', 2, 2)",
    "INSERT INTO needs (id, household_id, resident_user_id, created_by_id, category, urgency, description, "
    "programs, callback_requested, status, due_at, created_at, updated_at, version) VALUES "
    f"(1, 1, NULL, 2, 'housing', 'normal', '월세', '[]', false, 'open', '{T}', '{T}', '{T}', 1), "
    f"(2, NULL, 3, 3, 'companionship', 'low', '말벗', '[]', true, 'assigned', '{T}', '{T}', '{T}', 1), "
    f"(5, 1, NULL, 2, 'income', 'urgent', '생계', '[]', false, 'resolved', '{T}', '{T}', '{T}', 3)",
    "INSERT INTO need_events (need_id, actor_id, at, kind, to_status) VALUES "
    f"(1, 2, '{T}', 'created', 'open'), (2, 3, '{T}', 'created', 'open'), "
    f"(2, 1, '{T}', 'assigned', 'assigned'), "
    f"(5, 2, '{T}', 'created', 'open')",
    f"INSERT INTO visits (household_id, staff_id, visited_at, note) VALUES (1, 2, '{T}', '안부')",
    f"INSERT INTO access_log (actor_id, at, action, target) VALUES (1, '{T}', 'view_needs', 'filter=open')",
]
COUNTS = {"users": 3, "households": 1, "needs": 3, "need_events": 4, "visits": 1, "access_log": 1}


def _counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in COUNTS}


LATER_TABLES = {  # revisions 0007, 0008, 0009
    "desk_links",
    "desk_sessions",
    "reminders",
    "consultation_outcomes",
    "need_counts",
    "need_month_counts",
    "need_due_counts",
    "need_assignee_counts",
    "need_resolution_counts",
    "need_owner_counts",
}


def _table_of(diff: Any) -> str | None:
    """The table a schema difference is about (an added table, or an index on one)."""
    if diff[0] == "add_table":
        return str(diff[1].name)
    if diff[0] == "add_index":
        return str(diff[1].table.name)
    return None


def test_0006_upgrades_a_0004_database_without_losing_anything(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade("0004")
        with db.engine.begin() as connection:
            for statement in SEED_0004:
                connection.execute(text(statement))
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT setval('needs_id_seq', 5)"))
        before = _counts(db)
        assert before == COUNTS
        db.upgrade("0006")
        assert db.current_revision() == "0006"
        assert _counts(db) == before
        with db.engine.connect() as connection:
            events = connection.execute(text("SELECT need_id, kind FROM need_events ORDER BY id")).all()
            assert [tuple(e) for e in events] == [
                (1, "created"),
                (2, "created"),
                (2, "assigned"),
                (5, "created"),
            ]
            needs = connection.execute(text("SELECT id, status, centre_id FROM needs ORDER BY id")).all()
            assert [tuple(n) for n in needs] == [
                (1, "open", None),
                (2, "assigned", None),
                (5, "resolved", None),
            ]
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            # 0007's web-desk tables come later; apart from them the schema at 0006 is the models'.
            diffs = compare_metadata(context, Base.metadata)
            assert [d for d in diffs if _table_of(d) not in LATER_TABLES] == []
        # A number freed at the top is never handed out again.
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM need_events WHERE need_id = 5"))
            connection.execute(text("DELETE FROM needs WHERE id = 5"))
            connection.execute(
                text(
                    "INSERT INTO needs (household_id, created_by_id, category, urgency, programs, "
                    "callback_requested, status, due_at, created_at, updated_at, version) VALUES "
                    f"(1, 2, 'other', 'low', '[]', false, 'open', '{T}', '{T}', '{T}', 1)"
                )
            )
            newest = connection.execute(text("SELECT MAX(id) FROM needs")).scalar_one()
        assert newest == 6
        db.downgrade("0004")
        assert _counts(db) == {**before, "needs": 3, "need_events": 3}
        db.upgrade()
    finally:
        db.dispose()
