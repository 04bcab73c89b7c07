"""What the storage layer costs per update: a transaction, one statement, one consultation step.

The throughput benchmark says how fast the whole bot is; this one says how much of an update is
spent before the database does any work, so a plan to speed up storage can be checked against the
floor it could reach. Each figure is one call, timed on its own with the garbage collector paused,
on a fresh database migrated to head:

- `session_empty`: `Database.session()` opened and committed with nothing in it
- `session_select`: the same with the caller read (one prebuilt Core SELECT), as every update does
- `session_select_2`: with that SELECT twice, so the second is one more statement in a transaction
- `connection_select`: `engine.begin()` and the same SELECT, without an ORM Session
- `driver_sql_select`: `engine.begin()` and the same SELECT as a plain SQL string
- `dbapi_select`: the driver's own cursor inside `engine.begin()`: what SQLAlchemy adds on top
- `step`: one whole consultation step's SQL as the bot sends it (read the row, answer the question
  on screen, ask the next, save), in a session

    .venv/bin/python -m bench.storage --json
    .venv/bin/python -m bench.storage --database postgresql://postgres@127.0.0.1:5432/test --json
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from bench import emit, summarise_ns, time_calls
from bench.throughput import fresh_database
from storage import repo, steps
from storage.db import Database
from storage.models import Channel, QuestionOutcome

TELEGRAM_ID = 4242
PASS = 500
_CALLER_SQL = "SELECT id, telegram_id, role, language, active FROM users WHERE telegram_id = "


def measures(db: Database) -> dict[str, Callable[[], object]]:
    paramstyle = db.engine.dialect.paramstyle
    placeholder = "?" if paramstyle == "qmark" else "%s"
    raw_sql = _CALLER_SQL + placeholder
    with db.session() as s:
        user = repo.ensure_user(s, TELEGRAM_ID, "ko")
        row = repo.start_consultation(
            s, chat_id=TELEGRAM_ID, user=user, channel=Channel.CONSOLE, language="ko"
        )
        steps.log_question(row, "age")
        steps.save(s, row)
        consultation_id = row.id

    def session_empty() -> None:
        with db.session():
            pass

    def session_select() -> None:
        with db.session() as s:
            repo.caller(s, TELEGRAM_ID)

    def session_select_2() -> None:
        with db.session() as s:
            repo.caller(s, TELEGRAM_ID)
            repo.caller(s, TELEGRAM_ID)

    def connection_select() -> None:
        with db.engine.begin() as c:
            c.execute(repo._CALLER, {"telegram_id": TELEGRAM_ID}).first()

    def driver_sql_select() -> None:
        with db.engine.begin() as c:
            c.exec_driver_sql(raw_sql, (TELEGRAM_ID,)).first()

    def dbapi_select() -> None:
        with db.engine.begin() as c:
            cursor = c.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(raw_sql, (TELEGRAM_ID,))
            cursor.fetchone()
            cursor.close()

    def step() -> None:
        with db.session() as s:
            found = steps.load(s, consultation_id)
            assert found is not None and found.current_question is not None
            asked = found.current_question
            steps.record_answer(found, asked, 70, QuestionOutcome.ANSWERED)
            steps.log_question(found, "household_size" if asked == "age" else "age")
            steps.save(s, found)

    return {
        "session_empty": session_empty,
        "session_select": session_select,
        "session_select_2": session_select_2,
        "connection_select": connection_select,
        "driver_sql_select": driver_sql_select,
        "dbapi_select": dbapi_select,
        "step": step,
    }


def run(url: str | None, repeat: int) -> dict[str, Any]:
    with fresh_database(url) as fresh:
        db = Database(fresh)
        try:
            db.upgrade()
            with db.engine.connect() as c:
                c.execute(text("SELECT 1"))
            # time_calls collects garbage between passes: passes of PASS calls, not one call each.
            passes = max(1, repeat // PASS)
            timed = {
                name: summarise_ns(time_calls([call] * min(repeat, PASS), repeat=passes, warmup=1))
                for name, call in measures(db).items()
            }
            backend = db.engine.dialect.name
        finally:
            db.dispose()
    us = {name: round(figures["mean_ms"] * 1000, 1) for name, figures in timed.items()}
    return {
        "benchmark": "storage",
        "database": backend,
        "repeat": max(1, repeat // PASS) * min(repeat, PASS),  # calls timed of each kind
        "mean_us": us,
        "timings": timed,
        # Differences of means: what one more piece costs.
        "session_overhead_us": round(us["session_select"] - us["connection_select"], 1),
        "statement_us": round(us["session_select_2"] - us["session_select"], 1),
        "sqlalchemy_per_statement_us": round(us["connection_select"] - us["dbapi_select"], 1),
    }


def human(result: dict[str, Any]) -> str:
    lines = [f"storage on {result['database']}, mean of {result['repeat']} calls each (µs):"]
    lines += [f"  {name:18} {value:8.1f}" for name, value in result["mean_us"].items()]
    lines.append(
        f"  Session over a bare connection {result['session_overhead_us']} µs; one more statement "
        f"{result['statement_us']} µs, of which SQLAlchemy {result['sqlalchemy_per_statement_us']} µs"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storage", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--database", default=None, help="a postgresql:// server (default: a fresh SQLite file)"
    )
    parser.add_argument("--repeat", type=int, default=5000, help="timed calls of each kind")
    args = parser.parse_args(argv)
    emit(run(args.database, args.repeat), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
