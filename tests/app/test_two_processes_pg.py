"""Two bot processes on one PostgreSQL database serve the same chats and lose nothing.

Each "process" is an Application with its own Database (engine and pool) and its own event loop in
its own thread, so their database work really overlaps, as two processes' would; Telegram is one
shared in-process Bot API. Skipped only when no PostgreSQL server answers (see tests/storage/pg.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes

from app import consult
from app.local_api import LocalBotAPI, LocalRequest, new_message_id
from app.processor import PerChatUpdateProcessor
from app.settings import Settings
from app.telegram_app import build_application, build_services
from bench import load_profiles
from knowledge.manual import Manual
from knowledge.model import QuestionType
from storage import repo
from storage.db import Database
from storage.models import Channel, ConsultationState, QuestionOutcome
from tests.storage.pg import pg_database, pg_unavailable_reason

App = Application[Any, Any, Any, Any, Any, Any]
WAIT_S = 30
_update_ids = itertools.count(1)


class SharedBotAPI(LocalBotAPI):
    """One Telegram for both processes; calls come from two threads."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None) -> Any:
        with self._lock:
            return super().handle(method, params, files)


class BotProcess:
    """An Application with its own database engine, running on its own event loop in its own thread."""

    def __init__(self, url: str, api: LocalBotAPI, name: str) -> None:
        settings = Settings(_env_file=None, database_url=url, admin_ids=[], telegram_bot_token=None)
        self.services = build_services(settings, Channel.TELEGRAM, db=Database(url))
        self.app: App = build_application(self.services, request=LocalRequest(api), with_updater=False)
        self.name = name
        self.errors: list[BaseException | None] = []
        self._done: dict[int, concurrent.futures.Future[None]] = {}
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        processor = self.app.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        processor.wrap = self._wrap
        self.app.add_error_handler(self._error)

    def _call(self, coroutine: Awaitable[Any]) -> Any:
        async def run() -> Any:
            return await coroutine

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(WAIT_S)

    def start(self) -> None:
        self.thread.start()
        self._call(self.app.initialize())
        self._call(self.app.start())

    def stop(self) -> None:
        self._call(self.app.stop())
        self._call(self.app.shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT_S)
        self.services.db.dispose()

    async def _wrap(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            assert isinstance(update, Update)
            self._done.pop(update.update_id).set_result(None)

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(context.error)

    def submit(self, payload: dict[str, Any]) -> concurrent.futures.Future[None]:
        """Deliver an update as Telegram would (the webhook puts it on the queue); done when handled."""
        update = Update.de_json({"update_id": next(_update_ids), **payload}, self.app.bot)
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._done[update.update_id] = done
        asyncio.run_coroutine_threadsafe(self.app.update_queue.put(update), self.loop).result(WAIT_S)
        return done


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "주민", "language_code": "ko"}


def text_update(chat_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": new_message_id(),  # after every question shown so far, as in a real chat
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": _user(chat_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def button_update(chat_id: int, message_id: int, data: str) -> dict[str, Any]:
    message = {"message_id": message_id, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}
    query = {"id": str(next(_update_ids)), "from": _user(chat_id), "chat_instance": "1", "data": data}
    return {"callback_query": {**query, "message": {**message, "text": "…"}}}


class Resident:
    """One chat, sending each update to the process `route` picks and waiting for it, like a person."""

    def __init__(
        self,
        processes: list[BotProcess],
        api: LocalBotAPI,
        manual: Manual,
        reader: Database,
        chat_id: int,
        route: Callable[[int], int] | None = None,
    ) -> None:
        self.processes, self.api, self.manual, self.reader = processes, api, manual, reader
        self.chat_id = chat_id
        self.route = route or (lambda n: n % len(processes))
        self.sent = 0
        self.answers: list[tuple[str, Any, QuestionOutcome]] = []

    def _next(self) -> BotProcess:
        process = self.processes[self.route(self.sent)]
        self.sent += 1
        return process

    def say(self, text: str) -> None:
        self._next().submit(text_update(self.chat_id, text)).result(WAIT_S)

    def press(self, data: str) -> None:
        mid = self.api.last(self.chat_id).message_id
        self._next().submit(button_update(self.chat_id, mid, data)).result(WAIT_S)

    def current(self) -> tuple[int, str | None, str]:
        with self.reader.session() as s:
            c = repo.latest_consultation(s, self.chat_id)
            assert c is not None
            return c.id, c.current_question, c.state

    def begin(self) -> None:
        self.say("/start")
        self.press("m:self")
        self.press("s:all")

    def answer(self, qid: str, cid: int, value: Any) -> None:
        kind = self.manual.questions[qid].type
        if value is None:
            self.answers.append((qid, None, QuestionOutcome.DONT_KNOW))
            self.press(f"n:{cid}:skip")
            return
        if kind == QuestionType.MULTI_CHOICE:
            order = [c.value for c in self.manual.questions[qid].choices]
            value = sorted(value, key=order.index)
        self.answers.append((qid, value, QuestionOutcome.ANSWERED))
        if kind in (QuestionType.MEMBERS, QuestionType.WHO):
            for person in value:  # each press adds one person (members) or marks one (who)
                self.press(f"t:{cid}:{qid}:{person}")
            self.press(f"d:{cid}:{qid}" if value else f"a:{cid}:{qid}:none")
            return
        if kind == QuestionType.BOOL:
            self.press(f"a:{cid}:{qid}:{'true' if value else 'false'}")
        elif kind == QuestionType.CHOICE:
            self.press(f"a:{cid}:{qid}:{value}")
        elif kind == QuestionType.MULTI_CHOICE:
            for choice in value:
                self.press(f"t:{cid}:{qid}:{choice}")
            self.press(f"d:{cid}:{qid}")
        elif kind == QuestionType.MONEY:
            self.say(f"{value:,}원")
        elif kind == QuestionType.INT_LIST:
            self.say(", ".join(str(v) for v in value) if value else "없음")
        else:
            self.say(str(value))

    def walk(self, profile: dict[str, Any], until: Callable[[str], bool] | None = None) -> str | None:
        """Answer from the profile until the results, or until a question `until` accepts (returned)."""
        for _ in range(60):
            cid, qid, state = self.current()
            if state != ConsultationState.ASKING or qid is None:
                return None
            if until is not None and until(qid):
                return qid
            self.answer(qid, cid, profile.get(qid))
        raise AssertionError("the consultation did not end")

    def stored_log(self) -> list[tuple[int, str, Any, str | None]]:
        with self.reader.session() as s:
            c = repo.latest_consultation(s, self.chat_id)
            assert c is not None
            return [(q.seq, q.question_id, q.answer, q.outcome) for q in repo.question_log(s, c.id)]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    reason = pg_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with pg_database("bokji_two_procs") as url:
        # Migrate once, before the processes start: two processes migrating at once would race.
        migrator = Database(url)
        migrator.upgrade()
        migrator.dispose()
        yield url


@pytest.fixture
def two(pg_url: str) -> Iterator[tuple[list[BotProcess], LocalBotAPI, Database]]:
    api = SharedBotAPI()
    processes = [BotProcess(pg_url, api, "A"), BotProcess(pg_url, api, "B")]
    for p in processes:
        p.start()
    reader = Database(pg_url)
    yield processes, api, reader
    for p in processes:
        p.stop()
    reader.dispose()


def test_interleaved_updates_of_the_same_chats_keep_every_answer_in_order(
    two: tuple[list[BotProcess], LocalBotAPI, Database],
) -> None:
    processes, api, reader = two
    manual = processes[0].services.manual
    profiles = load_profiles()
    residents = [Resident(processes, api, manual, reader, 920_000 + i) for i in range(12)]

    def consult_fully(i: int) -> None:
        resident = residents[i]
        resident.begin()
        assert resident.walk(profiles[i % len(profiles)].answers) is None

    # Twelve chats at once; within each, consecutive updates alternate between the two processes.
    with concurrent.futures.ThreadPoolExecutor(len(residents)) as pool:
        list(pool.map(consult_fully, range(len(residents))))

    assert [e for p in processes for e in p.errors] == []
    for resident in residents:
        log = resident.stored_log()
        assert [row[0] for row in log] == list(range(1, len(log) + 1)), "seq has no gaps or repeats"
        assert [(q, a, o) for _, q, a, o in log] == resident.answers, f"chat {resident.chat_id}"
        assert resident.current()[2] == ConsultationState.RESULTS
        assert resident.sent > 10
    # Both processes did real work for the same chats.
    with reader.session() as s:
        assert len(repo.list_users(s)) == len(residents)


def _first_attempt_waits_for_the_other(
    monkeypatch: pytest.MonkeyPatch, name: str, parties: int = 2
) -> threading.Barrier:
    """Make `app.consult.<name>` wait, on each thread's first call, until both processes are inside it.

    Both have then read the same version of the consultation, so the second to commit must hit the
    version check and retry from fresh state.
    """
    barrier = threading.Barrier(parties, timeout=10)
    arrived: set[int] = set()
    original = getattr(consult, name)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        me = threading.get_ident()
        if me not in arrived:
            arrived.add(me)
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(consult, name, waiting)
    return barrier


def test_two_taps_of_one_chat_in_two_processes_at_once_both_count(
    two: tuple[list[BotProcess], LocalBotAPI, Database],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    processes, api, reader = two
    manual = processes[0].services.manual
    # 기초생활수급자: the question of benefits held is a multi-choice one with two choices to tap.
    profile = next(p for p in load_profiles() if p.id == "elderly_recipient_jjokbang").answers
    resident = Resident(processes, api, manual, reader, 930_001, route=lambda n: 0)
    resident.begin()
    qid = resident.walk(profile, until=lambda q: q == "welfare_status")
    assert qid == "welfare_status"
    cid, _, _ = resident.current()
    first, second = sorted(profile[qid], key=[c.value for c in manual.questions[qid].choices].index)

    _first_attempt_waits_for_the_other(monkeypatch, "toggle")
    caplog.set_level(logging.INFO, logger="handlers.route")
    mid = api.last(resident.chat_id).message_id
    a = processes[0].submit(button_update(resident.chat_id, mid, f"t:{cid}:{qid}:{first}"))
    b = processes[1].submit(button_update(resident.chat_id, mid, f"t:{cid}:{qid}:{second}"))
    a.result(WAIT_S)
    b.result(WAIT_S)
    assert any("retrying" in r.getMessage() for r in caplog.records), "the version check made one retry"
    resident.press(f"d:{cid}:{qid}")

    assert [e for p in processes for e in p.errors] == []
    answered = [(q, a) for _, q, a, o in resident.stored_log() if q == qid]
    assert answered == [(qid, [first, second])], "neither tap was lost"


def test_the_same_button_delivered_to_both_processes_counts_once(
    two: tuple[list[BotProcess], LocalBotAPI, Database],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    processes, api, reader = two
    manual = processes[0].services.manual
    profile = load_profiles()[0].answers
    resident = Resident(processes, api, manual, reader, 930_002, route=lambda n: n % 2)
    resident.begin()
    qid = resident.walk(profile, until=lambda q: manual.questions[q].type == QuestionType.BOOL)
    assert qid is not None
    cid, _, _ = resident.current()
    before = resident.stored_log()

    # Telegram retries a delivery it thinks failed; a load balancer sends the copy elsewhere.
    _first_attempt_waits_for_the_other(monkeypatch, "answer_value")
    mid = api.last(resident.chat_id).message_id
    data = f"a:{cid}:{qid}:{'true' if profile[qid] else 'false'}"
    copies = [p.submit(button_update(resident.chat_id, mid, data)) for p in processes]
    for copy in copies:
        copy.result(WAIT_S)

    assert [e for p in processes for e in p.errors] == []
    after = resident.stored_log()
    assert [row for row in after if row[1] == qid] == [
        (row[0], qid, profile[qid], QuestionOutcome.ANSWERED) for row in before if row[1] == qid
    ], "answered exactly once"
    assert len(after) == len(before) + 1, "and exactly one next question asked"
    # The copy handled second found the question already answered and said so.
    notices = [c.params.get("text") for c in api.calls[-4:] if c.method == "answerCallbackQuery"]
    assert sum(1 for n in notices if n and "지난 질문" in str(n)) == 1, notices


def test_a_new_users_first_updates_in_two_processes_at_once(
    two: tuple[list[BotProcess], LocalBotAPI, Database],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    processes, api, _ = two
    barrier = threading.Barrier(2, timeout=10)
    arrived: set[int] = set()
    original = repo.ensure_user

    def waiting(*args: Any, **kwargs: Any) -> Any:
        # Both processes have looked the user up and not found them before either creates them.
        if threading.get_ident() not in arrived:
            arrived.add(threading.get_ident())
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(repo, "ensure_user", waiting)
    chat = 940_001
    for done in [p.submit(text_update(chat, "/start")) for p in processes]:
        done.result(WAIT_S)
    assert [e for p in processes for e in p.errors] == []
    assert [("복지 안내 도우미" in m.text) for m in api.messages(chat)] == [True, True]
