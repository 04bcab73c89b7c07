"""bench/throughput.py end to end with a few chats: it runs, prints its keys and its checks can fail.

No speed is asserted: the figures belong to the benchmark (docs/throughput.md).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update

import app.telegram_app
from app.local_api import LocalBotAPI, LocalRequest
from app.processor import PerChatUpdateProcessor
from bench import throughput
from bench.echo import store_step
from storage import steps
from storage.db import Database
from storage.models import QuestionLog, QuestionOutcome
from tests.conftest import ROOT

KEYS = {
    "updates_per_s", "baseline_updates_per_s", "ratio", "p50_ms", "p95_ms", "p99_ms", "errors",
    "out_of_order", "lost", "chats", "latency_ms", "database", "peak_rss_mb",
}  # fmt: skip


def test_a_small_run_is_clean_and_reports_every_key() -> None:
    result = throughput.run(chats=20, latency_ms=0)
    assert result.keys() >= KEYS
    assert (result["errors"], result["out_of_order"], result["lost"]) == (0, 0, 0)
    assert result["chats"] == 20 and result["consultations"] == 20
    assert result["database"] == "sqlite"
    assert result["updates"] >= 20 * 10, "a consultation is at least ten updates"
    assert result["baseline"]["updates"] == result["updates"], "the echo bot gets as many updates"
    assert result["baseline_updates_per_s"] > 0 and result["ratio"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    assert result["peak_rss_mb"] > 0
    # CPU time per update: the bot's includes the harness, so it cannot be below the echo bot's.
    assert result["cpu_ms_per_update"] > result["baseline"]["cpu_ms_per_update"] > 0
    assert 0 < result["cpu_utilisation"] <= 1.05  # process CPU time can exceed wall time a little


def test_handler_time_leaves_out_the_simulated_network() -> None:
    async def scenario() -> float:
        tracker = throughput.Tracker()
        request = LocalRequest(LocalBotAPI(), latency=0.05)

        async def handler() -> None:
            await request.do_request("https://api.test/bot1:X/getMe", "POST")
            await request.do_request("https://api.test/bot1:X/getMe", "POST")

        started = time.perf_counter()
        await tracker.wrap(object(), handler())
        assert time.perf_counter() - started >= 0.1
        assert len(tracker.handler) == 1
        return tracker.handler.percentiles_ms()["p50"]

    assert asyncio.run(scenario()) < 20, "two 50 ms round trips are not handler time"


def test_the_histogram_gives_nearest_rank_percentiles() -> None:
    histogram = throughput.Histogram()
    for ms in range(1, 101):
        histogram.add(ms * 1_000_000 if ms < 100 else 250_000_000)  # 1 … 99 ms, and one of 250 ms
    assert histogram.percentiles_ms() == {"p50": 50.0, "p95": 95.0, "p99": 99.0}
    other = throughput.Histogram()
    other.add(300_000_000)
    histogram.merge(other)
    assert len(histogram) == 101 and histogram.percentiles_ms()["p99"] == 250.0


class Unordered(PerChatUpdateProcessor):
    """What python-telegram-bot's plain concurrency allows: a quick tap may be handled late."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if (
            isinstance(update, Update)
            and update.callback_query
            and str(update.callback_query.data)[:2] == "t:"
        ):
            await asyncio.sleep(0.02)  # and nothing keeps the chat's "done" from overtaking it
        await self._run(update, coroutine)


def test_the_log_check_catches_updates_handled_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.telegram_app, "PerChatUpdateProcessor", Unordered)
    result = throughput.run(chats=20, latency_ms=0, baseline=False)
    assert result["out_of_order"] > 0


def test_it_runs_as_a_script_with_json_and_several_processes() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "throughput.py"), "--chats", "4", "--latency-ms", "1",
         "--processes", "2", "--json"],
        cwd=ROOT / "bench",  # not the project root: the script must find the project by itself
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result.keys() >= KEYS
    assert result["processes"] == 2 and result["consultations"] == 4
    assert (result["errors"], result["out_of_order"], result["lost"]) == (0, 0, 0)


def test_repeated_runs_report_the_median_run_and_the_worst_failures() -> None:
    def result(rate: float, p99: float, errors: int = 0) -> dict[str, Any]:
        return {
            "updates_per_s": rate, "baseline_updates_per_s": rate * 5, "ratio": 0.2, "p99_ms": p99,
            "errors": errors, "out_of_order": 0, "lost": 0, "latency_ms": 50.0,
            "cpu_ms_per_update": 1000 / rate,
        }  # fmt: skip

    chosen = throughput.median_run([result(900, 9.0), result(1100, 8.0, errors=2), result(1000, 7.0)])
    assert (chosen["updates_per_s"], chosen["p99_ms"]) == (1000, 7.0)
    assert chosen["errors"] == 2  # a failure in any run is not hidden by the median
    assert chosen["runs"]["updates_per_s"] == [900, 1100, 1000]
    assert chosen["runs"]["cpu_ms_per_update"] == [1000 / 900, 1000 / 1100, 1 / 1]
    assert chosen["met"] == {"clean": False, "p99_ms": True, "updates_per_s": True}
    two = throughput.median_run([result(900, 9.0), result(1100, 8.0)])
    assert two["updates_per_s"] == 900  # the lower middle: an even count never flatters


def test_the_floor_bot_does_a_steps_storage_work_for_every_update() -> None:
    result = throughput.run(chats=10, latency_ms=0, ceiling=True, floor=True)
    floor = result["floor"]
    assert floor["updates"] == result["updates"] and floor["failed"] == 0
    assert floor["stored"] == floor["updates"], "one question-log row written per update"
    assert floor["ratio"] == round(floor["updates_per_s"] / result["baseline_updates_per_s"], 3)
    # The same Bot API calls as the bare step bot, plus the storage: dearer per update (about 3×).
    assert floor["cpu_ms_per_update"] > result["ceiling"]["cpu_ms_per_update"]


def test_a_stored_step_answers_the_question_on_screen_and_logs_the_next(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'floor.sqlite3'}")
    db.upgrade()
    try:
        for _ in range(3):
            store_step(db, telegram_id=7, chat_id=70)
        with db.session() as s:
            row = steps.active(s, 70)
            assert row is not None
            log = s.execute(
                select(QuestionLog.question_id, QuestionLog.answer, QuestionLog.outcome)
                .where(QuestionLog.consultation_id == row.id)
                .order_by(QuestionLog.seq)
            ).all()
    finally:
        db.dispose()
    assert row.version == 4, "started, then saved three times with its version"
    assert row.answers == {"age": 1, "household_size": 2}
    assert [tuple(entry) for entry in log] == [
        ("age", 1, QuestionOutcome.ANSWERED),
        ("household_size", 2, QuestionOutcome.ANSWERED),
        ("household_income", None, None),
    ]
