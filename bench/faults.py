"""Fault injection: the real bot process killed with SIGKILL while residents consult, then restarted.

`python bot.py run` (long polling) or `python bot.py webhook` runs against a local Bot API server
(tests/e2e/botapi_server.py) over real HTTP, on SQLite or PostgreSQL. Simulated residents walk a
self-check each, from a household profile of bench/profiles.yaml: buttons for yes/no and choices,
typed answers for numbers, amounts, ages and multiple choices. Like people, they wait for the bot's
answer and, when none comes within a few seconds, send the same thing again. Meanwhile the bot is
killed with SIGKILL at random moments, and also right after a typed answer was committed but before
its reply went out (the server holds that reply back until the kill), and started again at once.

Afterwards every chat's stored consultation is compared with what its resident sent:
- lost: a question the resident answered whose answer is not in the final consultation;
- misapplied: a stored answer the resident never gave to that question (a wrong value, an answer to
  a question they answered with something else, or a question answered twice); a fact settled by the
  same message as another answer ("혼자 살아요": who lives here and how many) counts as given when it
  is the resident's true answer;
- stuck: a chat that never reached its results, or whose resident never saw them.

    .venv/bin/python bench/faults.py --json                               # SQLite, CI size
    .venv/bin/python bench/faults.py --chats 12 --random-kills 40 --typed-kills 20 --json
    .venv/bin/python bench/faults.py --database postgresql://postgres@127.0.0.1:5432/test --json
    .venv/bin/python bench/faults.py --mode webhook --json

With a PostgreSQL URL a fresh database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import html
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from bench import ROOT, load_profiles
from bench.oracle import question_on_screen
from knowledge.answers import person_label
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.model import QuestionType
from knowledge.text import Lang
from storage.db import normalise_url
from storage.models import Consultation, QuestionLog
from tests.e2e.botapi_server import BotAPIServer

RESEND_S = 2.0  # a resident who sees no answer for this long sends the same thing again
START_TIMEOUT_S = 30.0
TYPED_KILL_CHANCE = 0.3  # of a typed answer being the one after which the bot is killed
SECRET = "faults-secret"
DONE_MARK = "상담 결과"


# --- the bot process ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Bot:
    """`python bot.py run|webhook` as a child process, started again after every kill."""

    def __init__(self, mode: str, server: BotAPIServer, database_url: str, workdir: Path) -> None:
        self.mode = mode
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        self.env.update(
            TELEGRAM_BOT_TOKEN="123456:FAULTS",
            TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
            WEBHOOK_URL=f"http://127.0.0.1:{self.port}/telegram",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
        )
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "bot.log"
        self.starts = 0

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), self.mode],
            cwd=self.workdir,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()
        self.starts += 1

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Delivery:
    """What Telegram does in webhook mode: POST each update in order until it is answered 200."""

    def __init__(self, bot: Bot) -> None:
        self.url = f"http://127.0.0.1:{bot.port}/telegram"
        self.queue: list[dict[str, Any]] = []
        self.cond = threading.Condition()
        self.accepted = 0
        self.stopped = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, update: dict[str, Any]) -> None:
        with self.cond:
            self.queue.append(update)
            self.cond.notify_all()

    def _post(self, update: dict[str, Any]) -> bool:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, TimeoutError):
            return False

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.queue and not self.stopped:
                    self.cond.wait()
                if self.stopped:
                    return
                update = self.queue[0]
            if self._post(update):
                with self.cond:
                    self.queue.pop(0)
                    self.accepted += 1
            else:
                time.sleep(0.1)

    def close(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


# --- residents ---------------------------------------------------------------------------------------


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "주민", "language_code": "ko"}


def message_update(chat_id: int, words: str) -> dict[str, Any]:
    command = words.split()[0] if words.startswith("/") else ""
    entities = [{"type": "bot_command", "offset": 0, "length": len(command)}] if command else []
    return {
        "message": {
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": _user(chat_id),
            "text": words,
            "entities": entities,
        }
    }


def callback_update(chat_id: int, message_id: int, data: str) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(time.time_ns()),
            "from": _user(chat_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "…",
            },
        }
    }


@dataclass
class Action:
    kind: str  # text | press
    payload: str
    message_id: int = 0
    question: str | None = None
    value: Any = None


@dataclass
class Resident:
    chat_id: int
    profile: dict[str, Any]
    sent: dict[str, Any] = field(default_factory=dict)  # question id → the value given
    action: Action | None = None
    seen: int = 0  # bot messages already taken into account
    since: float = 0.0
    resends: int = 0
    done: bool = False


class Residents:
    def __init__(self, manual: Manual, server: BotAPIServer, deliver: Any, rng: random.Random) -> None:
        self.manual = manual
        self.server = server
        self.deliver = deliver  # the update dict → its update id
        self.rng = rng
        self.by_text = {html.escape(q.text.ko): q.id for q in manual.questions.values()}
        self.sent_updates = 0

    def _question(self, shown: Any) -> tuple[int, str] | None:
        buttons = [data for _, data in shown.flat_buttons()]
        found = question_on_screen(buttons, shown.text, self.by_text)
        if found is None or found[1] is None:
            return None
        return found[0], found[1]

    def _typed(self, qid: str, value: Any) -> str:
        question = self.manual.questions[qid]
        if question.type in (QuestionType.MEMBERS, QuestionType.WHO):
            # As the buttons name people: 배우자, 자녀 1, 부모 2 (members: one relation per person).
            if not value:
                return "없음"
            if question.type == QuestionType.MEMBERS:
                counts = Counter(value)  # in the order first named
                named = (f"{person_label(self.manual, v, v, Lang.KO)} {n}명" for v, n in counts.items())
                return ", ".join(named)
            return ", ".join(person_label(self.manual, h, h.rstrip("0123456789"), Lang.KO) for h in value)
        if question.type == QuestionType.MULTI_CHOICE:
            return ", ".join(question.choice(v).label.ko for v in value) if value else "없음"  # type: ignore[union-attr]
        if question.type == QuestionType.INT_LIST:
            return ", ".join(str(v) for v in value) if value else "없음"
        if question.type == QuestionType.MONEY:
            return f"{value:,}원"
        return str(value)

    def next_action(self, r: Resident) -> Action | None:
        shown = self.server.messages(r.chat_id)
        if any(DONE_MARK in m.text for m in shown):
            r.done = True
            return None
        for m in reversed(shown):
            found = self._question(m)
            if found is not None:
                cid, qid = found
                return self._answer(r, m.message_id, cid, qid)
            buttons = [data for _, data in m.flat_buttons()]
            for wanted in ("s:all", "m:self"):
                if wanted in buttons:
                    return Action("press", wanted, m.message_id)
        return Action("text", "/start")

    def _answer(self, r: Resident, message_id: int, cid: int, qid: str) -> Action:
        question = self.manual.questions[qid]
        value = r.profile.get(qid)
        if value is None:
            return Action("press", f"n:{cid}:skip", message_id, qid, None)
        if question.type == QuestionType.BOOL:
            return Action("press", f"a:{cid}:{qid}:{'true' if value else 'false'}", message_id, qid, value)
        if question.type == QuestionType.CHOICE:
            return Action("press", f"a:{cid}:{qid}:{value}", message_id, qid, value)
        if question.type == QuestionType.MULTI_CHOICE:
            order = [c.value for c in question.choices]
            value = sorted(value, key=order.index)
        return Action("text", self._typed(qid, value), message_id, qid, value)

    def send(self, r: Resident, action: Action) -> int:
        r.action = action
        r.seen = len(self.server.messages(r.chat_id))
        r.since = time.monotonic()
        if action.question is not None:
            r.sent[action.question] = action.value
        update = (
            message_update(r.chat_id, action.payload)
            if action.kind == "text"
            else callback_update(r.chat_id, action.message_id, action.payload)
        )
        self.sent_updates += 1
        return int(self.deliver(update))

    def step(self, r: Resident) -> Action | None:
        """Send what comes next, or the same again after RESEND_S without an answer. None: waiting."""
        if r.done:
            return None
        if r.action is not None:
            if len(self.server.messages(r.chat_id)) > r.seen:
                r.action = None
            elif time.monotonic() - r.since > RESEND_S:
                # No answer: look at the screen again, as a person would, and send what it asks for
                # (usually the same thing again).
                action = self.next_action(r)
                if action is None:
                    r.action = None
                    return None
                r.resends += 1
                self.send(r, action)
                return None
            else:
                return None
        return self.next_action(r)


# --- one run -----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    database: str
    mode: str
    chats: int
    kills: int
    kills_after_typed: int
    updates_sent: int
    resends: int
    redelivered: int  # updates Telegram (the server) delivered more than once
    answers: int
    lost: int
    misapplied: int
    stuck: int
    seconds: float
    problems: list[str] = field(default_factory=list)


@contextmanager
def database(url: str | None, workdir: Path) -> Iterator[str]:
    """A fresh database: a SQLite file in workdir, or a new database on the PostgreSQL server given."""
    if url is None or url.startswith("sqlite"):
        yield f"sqlite:///{workdir / 'faults.sqlite3'}"
        return
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"bokji_faults_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _committed(engine: Engine, chat_id: int, update_id: int) -> bool:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT recent_updates FROM chat_state WHERE chat_id = :c"), {"c": chat_id}
        ).first()
    if row is None:
        return False
    recent = row[0] if isinstance(row[0], list) else json.loads(row[0])
    return update_id in recent


def _wait_ready(bot: Bot, server: BotAPIServer, engine: Engine) -> None:
    """Until the bot answers (polling: it asked for updates; webhook: its port takes connections)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    calls = len(server.api.calls)
    while time.monotonic() < deadline:
        if not bot.alive():
            raise RuntimeError(f"the bot exited: {bot.log.read_text()[-2000:]}")
        if bot.mode == "webhook":
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", bot.port)) == 0:
                    return
        elif any(c.method == "setMyCommands" for c in server.api.calls[calls:]):
            return
        time.sleep(0.05)
    raise RuntimeError("the bot did not start")


def check(engine: Engine, manual: Manual, residents: list[Resident]) -> tuple[int, int, int, int, list[str]]:
    """(answers, lost, misapplied, stuck, problems) from what is stored against what was sent."""
    answers = lost = misapplied = stuck = 0
    problems: list[str] = []
    with engine.connect() as connection:
        for r in residents:
            c = connection.execute(
                select(Consultation.id, Consultation.state, Consultation.answers)
                .where(Consultation.chat_id == r.chat_id)
                .order_by(Consultation.id.desc())
                .limit(1)
            ).first()
            if c is None or c.state != "results" or not r.done:
                # Not finished, or finished without the resident ever seeing the results.
                stuck += 1
                state = c.state if c else "no consultation"
                problems.append(f"chat {r.chat_id}: stuck ({state}, results seen: {r.done})")
                if c is None:
                    continue
            stored = c.answers if isinstance(c.answers, dict) else json.loads(c.answers)
            log = connection.execute(
                select(QuestionLog.question_id, QuestionLog.answer, QuestionLog.outcome)
                .where(QuestionLog.consultation_id == c.id, QuestionLog.outcome.is_not(None))
                .order_by(QuestionLog.seq)
            ).all()
            counted: dict[str, int] = {}
            for qid, value, outcome in log:
                if outcome == "undone":
                    continue
                counted[qid] = counted.get(qid, 0) + 1
                answers += 1
                given = r.sent.get(qid, "<never sent>")
                if qid not in r.sent and qid in r.profile and value == r.profile[qid]:
                    continue  # settled by the same message as another answer ("혼자 살아요": size 1)
                if qid not in r.sent or value != given:
                    misapplied += 1
                    problems.append(f"chat {r.chat_id}: {qid} stored {value!r}, sent {given!r}")
            for qid, n in counted.items():
                if n > 1:
                    misapplied += n - 1
                    problems.append(f"chat {r.chat_id}: {qid} answered {n} times")
            for qid, value in r.sent.items():
                if c.state == "results" and (qid not in stored or stored[qid] != value):
                    lost += 1
                    problems.append(f"chat {r.chat_id}: {qid} sent {value!r}, stored {stored.get(qid)!r}")
    return answers, lost, misapplied, stuck, problems


def run(
    *,
    database_url: str | None = None,
    mode: str = "run",
    chats: int = 6,
    random_kills: int = 6,
    typed_kills: int = 4,
    seed: int = 15,
    deadline_s: float = 240.0,
    typed_kill_chance: float = TYPED_KILL_CHANCE,
) -> Outcome:
    rng = random.Random(seed)
    manual, _ = load_manual()
    profiles = load_profiles()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bokji-faults-") as tmp:
        workdir = Path(tmp)
        server = BotAPIServer().start()
        with database(database_url, workdir) as url:
            engine = create_engine(normalise_url(url), poolclass=NullPool)
            bot = Bot(mode, server, url, workdir)
            delivery = Delivery(bot) if mode == "webhook" else None

            def deliver(update: dict[str, Any]) -> int:
                update_id = server.push(update)  # ids and message ids as Telegram would give them
                if delivery is not None:
                    delivery.put(update)
                return update_id

            population = Residents(manual, server, deliver, rng)
            residents = [
                Resident(9_000_000 + i, dict(profiles[i % len(profiles)].answers)) for i in range(chats)
            ]
            kills = after_typed = 0
            next_kill = time.monotonic() + rng.uniform(0.1, 0.8)
            try:
                bot.start()
                _wait_ready(bot, server, engine)
                while not all(r.done for r in residents):
                    if time.monotonic() - started > deadline_s:
                        break
                    for r in rng.sample(residents, len(residents)):
                        action = population.step(r)
                        if action is None:
                            continue
                        typed = action.kind == "text" and action.question is not None
                        if typed and after_typed < typed_kills and rng.random() < typed_kill_chance:
                            # Hold its reply back, wait for the commit, kill: committed, not answered.
                            released = server.hold(r.chat_id)
                            update_id = population.send(r, action)
                            until = time.monotonic() + 10
                            while time.monotonic() < until and not _committed(engine, r.chat_id, update_id):
                                time.sleep(0.01)
                            bot.kill()
                            released.drop()  # the reply never left the dead process
                            kills += 1
                            after_typed += 1
                            bot.start()
                            _wait_ready(bot, server, engine)
                            next_kill = time.monotonic() + rng.uniform(0.1, 0.8)
                            continue
                        population.send(r, action)
                    if kills - after_typed < random_kills and time.monotonic() >= next_kill:
                        time.sleep(rng.uniform(0, 0.05))
                        bot.kill()
                        kills += 1
                        bot.start()
                        _wait_ready(bot, server, engine)
                        next_kill = time.monotonic() + rng.uniform(0.1, 0.8)
                    time.sleep(0.01)
                # Let the last replies settle, then stop the bot cleanly before reading the database.
                time.sleep(0.5)
                bot.stop()
                if delivery is not None:
                    delivery.close()
                answers, lost, misapplied, stuck, problems = check(engine, manual, residents)
                if mode == "webhook":
                    with engine.connect() as connection:
                        left = connection.execute(text("SELECT COUNT(*) FROM update_inbox")).scalar()
                    if left:
                        problems.append(f"{left} updates left in the inbox")
            finally:
                bot.kill()
                if delivery is not None:
                    delivery.close()
                engine.dispose()
                server.stop()
            redelivered = sum(n - 1 for n in server.delivered.values() if n > 1)
    return Outcome(
        database="postgresql" if database_url and database_url.startswith("postgres") else "sqlite",
        mode=mode,
        chats=chats,
        kills=kills,
        kills_after_typed=after_typed,
        updates_sent=population.sent_updates,
        resends=sum(r.resends for r in residents),
        redelivered=redelivered,
        answers=answers,
        lost=lost,
        misapplied=misapplied,
        stuck=stuck,
        seconds=round(time.monotonic() - started, 1),
        problems=problems[:50],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="PostgreSQL server URL (a fresh database is made); default SQLite")
    parser.add_argument("--mode", choices=["run", "webhook"], default="run")
    parser.add_argument("--chats", type=int, default=6)
    parser.add_argument("--random-kills", type=int, default=6)
    parser.add_argument("--typed-kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--deadline", type=float, default=240.0, help="seconds before giving up (stuck)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    outcome = run(
        database_url=args.database,
        mode=args.mode,
        chats=args.chats,
        random_kills=args.random_kills,
        typed_kills=args.typed_kills,
        seed=args.seed,
        deadline_s=args.deadline,
    )
    result = {"benchmark": "faults", **asdict(outcome)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"{outcome.database}/{outcome.mode}: {outcome.kills} kills ({outcome.kills_after_typed} after a "
            f"typed answer), {outcome.updates_sent} updates ({outcome.resends} sent again, "
            f"{outcome.redelivered} delivered again), {outcome.answers} answers stored: lost {outcome.lost}, "
            f"misapplied {outcome.misapplied}, stuck {outcome.stuck} ({outcome.seconds} s)"
        )
        for problem in outcome.problems:
            print("  " + problem)
    return 0 if outcome.lost == outcome.misapplied == outcome.stuck == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
