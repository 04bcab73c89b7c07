"""A throw-away PostgreSQL database per test session, shared by storage and handler tests.

Each session creates its own database, so helpers running test suites at the same time never collide.
The server is expected at BOKJI_TEST_PG_URL (default: local trust auth, database `test`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PG_ADMIN_URL = os.environ.get("BOKJI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CONNECT_TIMEOUT = 2

# Children first, for backends without TRUNCATE ... CASCADE.
TABLES = (
    "reminders",
    "consultation_outcomes",
    "chat_state",
    "update_inbox",
    "chat_drafts",
    "consultation_results",
    "consultation_questions",
    "consultations",
    "households",
    "users",
    "organisations",
    "job_runs",
    # The statistics' summary rows point at nothing (no foreign keys), so nothing cascades to them.
    "need_counts",
    "need_month_counts",
    "need_due_counts",
    "need_assignee_counts",
    "need_resolution_counts",
    "need_owner_counts",
)


def _admin_engine(admin_url: str) -> Engine:
    return create_engine(
        admin_url,
        isolation_level="AUTOCOMMIT",  # CREATE/DROP DATABASE refuse to run inside a transaction
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )


def pg_unavailable_reason(admin_url: str = PG_ADMIN_URL) -> str | None:
    """None when the server answers; otherwise why not, for pytest.skip."""
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL not reachable at {admin_url} (set BOKJI_TEST_PG_URL): {first_line}"
    finally:
        engine.dispose()
    return None


@contextmanager
def pg_database(prefix: str = "bokji_test", admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """Create an empty database with a random name, yield its URL, drop it afterwards."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name, query={"connect_timeout": str(CONNECT_TIMEOUT)})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with engine.connect() as connection:
                # FORCE: a test that leaked a connection must not leave the database behind.
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def clear_tables(engine: Engine) -> None:
    """Empty every storage table between tests (schema stays, ids restart on PostgreSQL)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                connection.exec_driver_sql(f"DELETE FROM {table}")
