from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, func, inspect, select

from storage import needs
from storage.db import Database
from storage.models import Base, Household, Role, User
from storage.models_needs import AccessLog, Invitation, Need, NeedEvent, Visit
from tests.storage.pg import clear_tables
from tests.storage.test_needs_helpers import NOW, log, seed_people

NEW_TABLES = {"needs", "need_events", "invitations", "visits", "access_log"}
LATER_COLUMNS = {"last_seq", "current_seq", "answered"}  # consultations, revision 0004
# Revision 0006 adds organisations and points users, households, needs and invitations at them.
LATER_0006 = {"organisation_id", "centre_id", "reported_by_id", "relay_consent_at"}
LATER_NULLABLE = {("needs", "created_by_id"), ("visits", "household_id")}  # revision 0005
OLD_TABLES = {"users", "households", "consultations", "consultation_questions", "consultation_results"}


def _later(diff: Any) -> bool:
    """A difference that a later revision introduces (0004's counters, 0005's nullable columns, 0006's
    district columns)."""
    if isinstance(diff, list):
        return all(m[0] == "modify_nullable" and (m[2], m[3]) in LATER_NULLABLE for m in diff)
    kind = diff[0]
    if kind == "add_column":
        return bool(diff[3].name in LATER_COLUMNS | LATER_0006)
    if kind == "add_table":
        return bool(diff[1].name == "organisations")
    if kind == "add_index":
        later = LATER_0006 | {"created_by_id", "due_at", "created_at", "closed_at", "status"}
        return bool(set(diff[1].columns.keys()) & later)
    if kind == "remove_index":  # 0006 replaces it with (assignee_id, status)
        return bool(diff[1].name == "ix_needs_assignee_id")
    if kind == "add_fk":
        return bool(set(diff[1].column_keys) & LATER_0006)
    return False


def test_0002_creates_a_schema_matching_the_models(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade("0001")
        assert not NEW_TABLES & set(inspect(db.engine).get_table_names())
        db.upgrade("0002")
        assert db.current_revision() == "0002"
        assert set(inspect(db.engine).get_table_names()) == NEW_TABLES | OLD_TABLES | {"alembic_version"}
        # The hand-written migration and the models must describe the same schema. Later revisions add
        # tables of their own, so compare with the models of the tables that exist at 0002.
        as_of_0002 = MetaData(naming_convention=Base.metadata.naming_convention)
        for name in NEW_TABLES | OLD_TABLES | {"organisations"}:
            Base.metadata.tables[name].to_metadata(as_of_0002)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, as_of_0002)
        # Columns a later revision adds to an old table, or makes nullable, are not a difference at 0002.
        assert [d for d in diffs if not _later(d)] == []
    finally:
        db.dispose()


def test_0002_downgrades_to_0001_and_back(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade()
        db.downgrade("0001")
        assert db.current_revision() == "0001"
        tables = set(inspect(db.engine).get_table_names())
        assert not NEW_TABLES & tables and tables >= OLD_TABLES
        db.upgrade()
        with db.session() as s:
            log(s, seed_people(s))
        with db.session() as s:
            assert s.scalar(select(func.count(Need.id))) == 1
    finally:
        db.dispose()


def test_clearing_between_tests_empties_the_casework_tables_too(pg_db: Database) -> None:
    # Only PostgreSQL is cleared between tests (SQLite gets a new file per test), so only it is checked.
    db = pg_db
    clear_tables(db.engine)
    with db.session() as s:
        p = seed_people(s)
        log(s, p)
        needs.create_invitation(s, Role.STAFF, p.admin, now=NOW)
        needs.record_visit(s, p.h1, p.staff, now=NOW)
    clear_tables(db.engine)
    with db.session() as s:
        for model in (User, Household, Need, NeedEvent, Invitation, Visit, AccessLog):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
