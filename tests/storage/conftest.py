from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.storage.pg import clear_tables, pg_database, pg_unavailable_reason

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test session; skips when no server."""
    reason = pg_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: a new SQLite file per test, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'bokji.sqlite3'}")
        database.upgrade()
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("pg_db")
        clear_tables(database.engine)
        yield database


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a database with no tables at all, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    reason = pg_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with pg_database("bokji_migrate") as url:
        yield url
