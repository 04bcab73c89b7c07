from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import repo
from storage.db import MIGRATIONS_DIR, Database, normalise_url, take_write_lock
from storage.models import Base, User

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"users", "households", "consultations", "consultation_questions", "consultation_results"}

# The newest migration: revision ids are the file names' numeric prefixes.
HEAD = max(
    p.name.split("_")[0]
    for p in (Path(__file__).resolve().parents[2] / "storage" / "migrations" / "versions").glob("0*.py")
)


def test_upgrade_from_empty_creates_schema_matching_models(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        assert db.current_revision() is None
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.upgrade()
        assert db.current_revision() == HEAD
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        # The hand-written migration and the models must describe the same schema.
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        db.upgrade()  # idempotent at head
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


def test_downgrade_to_base_and_back(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade()
        db.downgrade("base")
        assert db.current_revision() is None
        assert not TABLES & set(inspect(db.engine).get_table_names())
        db.upgrade()
        with db.session() as s:
            repo.ensure_user(s, 1)
        with db.session() as s:
            assert repo.get_user(s, 1) is not None
    finally:
        db.dispose()


def test_alembic_command_line_uses_shipped_ini_from_any_directory(tmp_path: Path) -> None:
    target = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}"}
    ini = ROOT / "storage" / "alembic.ini"
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    db = Database(f"sqlite:///{target}")
    try:
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


def test_migrations_dir_is_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent == ROOT / "storage"
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    assert Database("sqlite://").alembic_config().get_main_option("script_location") == str(MIGRATIONS_DIR)


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@db.example/bokji", "postgresql+psycopg"),
        ("postgres://u@db.example/bokji", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db.example/bokji", "postgresql+psycopg"),
        ("sqlite:///bokji.sqlite3", "sqlite"),
    ],
)
def test_postgres_urls_map_to_psycopg3(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver


def test_database_accepts_plain_postgres_url_without_connecting() -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/none")
    assert db.engine.dialect.driver == "psycopg"
    db.dispose()


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        db.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(
            text("INSERT INTO households (code, created_at, created_by_id) VALUES ('H-0001', :t, 999)"),
            {"t": dt.datetime(2026, 1, 1)},
        )


def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with db.session() as s:
        repo.ensure_user(s, 10)
    with pytest.raises(RuntimeError), db.session() as s:
        repo.ensure_user(s, 11)
        s.flush()
        raise RuntimeError("handler failed")
    with db.session() as s:
        assert [u.telegram_id for u in repo.list_users(s)] == [10]


def test_objects_stay_readable_after_the_session_closes(db: Database) -> None:
    with db.session() as s:
        user = repo.ensure_user(s, 12, "en")
    assert isinstance(user, User)
    assert user.language == "en"
    assert user.created_at.tzinfo == dt.UTC


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.session() as s:
        s.add(User(telegram_id=13, created_at=dt.datetime(2026, 11, 24, 9, 0)))
        s.flush()


def test_aware_datetimes_come_back_in_utc(db: Database) -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    with db.session() as s:
        s.add(User(telegram_id=14, created_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=seoul)))
    with db.session() as s:
        user = repo.get_user(s, 14)
        assert user is not None
        assert user.created_at == dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC)
        assert user.created_at.utcoffset() == dt.timedelta(0)


def test_storage_imports_neither_telegram_nor_knowledge() -> None:
    code = (
        "import sys, storage, storage.db, storage.models, storage.repo\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'knowledge'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_0004_fills_the_counters_of_consultations_already_in_progress(empty_url: str) -> None:
    """Upgrading while residents are mid-consultation: numbering and the question on screen carry on."""
    db = Database(empty_url)
    try:
        db.upgrade("0003")
        at = "2026-11-20 09:00:00"
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, telegram_id, role, language, created_at, active) "
                    "VALUES (1, 5, 'resident', 'ko', :at, true)"
                ),
                {"at": at},
            )
            connection.execute(
                text(
                    "INSERT INTO consultations (id, chat_id, user_id, channel, role, language, scope_kind, "
                    "state, current_question, answers, pending, version, started_at, updated_at) VALUES "
                    "(1, 5, 1, 'telegram', 'resident', 'ko', 'all', 'asking', 'assets', '{}', '{}', 3, "
                    ":at, :at),"
                    "(2, 6, 1, 'telegram', 'resident', 'ko', 'all', 'asking', NULL, '{}', '{}', 1, :at, :at)"
                ),
                {"at": at},
            )
            rows = [
                (1, "region", "reused"),
                (2, "age", "answered"),
                (3, "assets", "undone"),
                (4, "age", None),
                (5, "assets", None),
            ]
            for seq, qid, outcome in rows:
                connection.execute(
                    text(
                        "INSERT INTO consultation_questions (consultation_id, seq, question_id, asked_at, "
                        "outcome) VALUES (1, :seq, :qid, :at, :outcome)"
                    ),
                    {"seq": seq, "qid": qid, "at": at, "outcome": outcome},
                )
        db.upgrade("0004")
        with db.engine.connect() as connection:
            got = connection.execute(
                text("SELECT id, last_seq, answered, current_seq FROM consultations ORDER BY id")
            ).all()
        assert [tuple(r) for r in got] == [(1, 5, 1, 5), (2, 0, 0, None)]
        db.downgrade("0003")
        db.upgrade()
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


# ---------------------------------------------------------------- the write lock


def _hold_write_lock(path: Path, release: threading.Event, released: list[bool]) -> threading.Thread:
    """Another process's writer: holds SQLite's write lock until `release` is set."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def run() -> None:
        release.wait(10)
        released.append(True)
        holder.execute("COMMIT")
        holder.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("hold_s", [0.003, 0.2])  # within the short pauses, and beyond them
def test_take_write_lock_waits_for_another_writer_then_begins(tmp_path: Path, hold_s: float) -> None:
    path = tmp_path / "lock.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    release = threading.Event()
    released: list[bool] = []
    holder = _hold_write_lock(path, release, released)
    threading.Timer(hold_s, release.set).start()
    try:
        with db.session() as s:
            connection = s.connection()
            take_write_lock(connection)
            assert released == [True]  # it began only once the other writer let go
            raw = connection.connection.driver_connection
            assert raw is not None and raw.in_transaction
            # The usual busy timeout is back for everything else this connection does.
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            repo.ensure_user(s, 20)
        with db.session() as s:
            assert [u.telegram_id for u in repo.list_users(s)] == [20]
    finally:
        release.set()
        holder.join()
        db.dispose()


def test_take_write_lock_is_a_no_op_once_writing_and_elsewhere(db: Database) -> None:
    with db.session() as s:
        repo.ensure_user(s, 30)
        s.flush()  # this transaction has written: on SQLite it holds the lock already
        take_write_lock(s.connection())
        take_write_lock(s.connection())
        repo.ensure_user(s, 31)
    with db.session() as s:
        assert sorted(u.telegram_id for u in repo.list_users(s)) == [30, 31]
