"""Engine, sessions and programmatic migrations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///bokji.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

BUSY_TIMEOUT_MS = 5000
_SQLITE_PRAGMAS = (
    # WAL lets readers proceed while one process writes: several bot processes can share the file.
    "PRAGMA journal_mode=WAL",
    # With WAL, NORMAL is still crash-safe for the database; at worst the last commits before power loss go.
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
# Pauses between attempts at SQLite's write lock before waiting for it the usual way (seconds).
_LOCK_PAUSES = (0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002)


def normalise_url(url: str | URL) -> URL:
    """Map plain PostgreSQL URLs to the psycopg 3 driver (SQLAlchemy's bare default would be psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def take_write_lock(connection: Connection) -> None:
    """On SQLite, begin writing now, waiting for another process's write lock in short pauses.

    SQLite's own busy handler sleeps 1, 2, 5 … ms whenever the lock is taken, and it sleeps inside
    the event loop, stalling every chat of the process, though a step holds the lock for about
    0.15 ms. With two processes on one file that left each idle a fifth of the time. After the
    short pauses, the usual busy timeout applies. Nothing to do on other databases, or once this
    transaction has written (it holds the lock).
    """
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if raw is None or raw.in_transaction:
        return
    raw.execute("PRAGMA busy_timeout=0")
    try:
        for pause in _LOCK_PAUSES:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(pause)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    raw.execute("BEGIN IMMEDIATE")


class Database:
    """One engine plus a session factory. Create one per process; share it between handlers."""

    def __init__(self, url: str | URL, **engine_options: Any) -> None:
        self.url = normalise_url(url)
        # Error messages and SQL logging never show bound values: they are answers and typed text.
        options: dict[str, Any] = {"hide_parameters": True}
        if self.url.get_backend_name() == "postgresql":
            # A webhook process may sit idle long enough for the server or a proxy to drop connections.
            options["pool_pre_ping"] = True
        options.update(engine_options)
        self.engine: Engine = create_engine(self.url, **options)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _set_sqlite_pragmas)
        # expire_on_commit=False: handlers render from the objects after the transaction has closed.
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A short transaction: commit when the block ends normally, roll back when it raises."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def alembic_config(self) -> Config:
        """Alembic configuration built in code, so migrations work from an installed package and any cwd."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        # Not via set_main_option: ConfigParser interpolation would choke on '%' in passwords.
        config.attributes["database_url"] = self.url
        return config

    def upgrade(self, revision: str = "head") -> None:
        self._run(command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        self._run(command.downgrade, revision)

    def current_revision(self) -> str | None:
        """The schema revision the database is at; None for an empty database."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def _run(self, operation: Any, revision: str) -> None:
        config = self.alembic_config()
        # Share our engine's connection so the SQLite pragmas apply to migrations too.
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Processes starting together must not migrate at once: the second waits here until
                # the first commits, then finds the schema at head and has nothing to do.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242420001)")
            config.attributes["connection"] = connection
            operation(config, revision)

    def dispose(self) -> None:
        self.engine.dispose()
