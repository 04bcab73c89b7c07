"""`python bot.py run` as a real process, polling a local Bot API server over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.botapi_server import BotAPIServer

CHAT = 777001


def _user() -> dict[str, Any]:
    return {"id": CHAT, "is_bot": False, "first_name": "주민", "language_code": "ko"}


def message(text: str) -> dict[str, Any]:
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    )
    return {
        "message": {
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private"},
            "from": _user(),
            "text": text,
            "entities": entities,
        }
    }


def callback(message_id: int, data: str) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(time.time_ns()),
            "from": _user(),
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": CHAT, "type": "private"},
                "text": "…",
            },
        }
    }


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    srv = BotAPIServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def bot_process(server: BotAPIServer, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_BASE_URL=server.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for(server: BotAPIServer, count: int, proc: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.api.messages(CHAT)) >= count:
            return
        if proc.poll() is not None:
            raise AssertionError(f"bot exited: {proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.05)
    raise AssertionError(f"bot sent {len(server.api.messages(CHAT))} messages, expected {count}")


def press(server: BotAPIServer, proc: subprocess.Popen[str], label: str) -> None:
    last = server.api.last(CHAT)
    data = next(d for text, d in last.flat_buttons() if label in text)
    count = len(server.api.messages(CHAT))
    server.push(callback(last.message_id, data))
    wait_for(server, count + 1, proc)


def say(server: BotAPIServer, proc: subprocess.Popen[str], text: str) -> None:
    count = len(server.api.messages(CHAT))
    server.push(message(text))
    wait_for(server, count + 1, proc)


def test_bot_run_drives_a_consultation_over_http(
    server: BotAPIServer, bot_process: subprocess.Popen[str]
) -> None:
    say(server, bot_process, "/start")
    assert "복지 안내 도우미" in server.api.last(CHAT).text
    press(server, bot_process, "자가진단")
    press(server, bot_process, "전체")
    typed = {
        "만 나이": "80",
        "몇 명": "1",
        "한 달 소득": "60만원",
        "재산을 모두": "1000만원",
        "월세는 얼마": "20만원",
        "병원비": "50만원",
        "자녀들의 만 나이": "없음",
    }
    # An 80-year-old living alone: "no" to yes/no questions, the first choice otherwise.
    for _ in range(30):
        if any("상담 결과" in m.text for m in server.api.messages(CHAT)):
            break
        last = server.api.last(CHAT)
        buttons = last.flat_buttons()
        answer = next((v for k, v in typed.items() if k in last.text), None)
        if answer is not None:
            say(server, bot_process, answer)
        elif any(d.startswith("d:") for _, d in buttons):
            press(server, bot_process, "선택 완료")
        elif any(d.endswith(":false") for _, d in buttons):
            press(server, bot_process, "아니요")
        elif any(d.startswith("a:") for _, d in buttons):
            press(server, bot_process, next(t for t, d in buttons if d.startswith("a:")))
        else:
            press(server, bot_process, "건너뛰기")
    everything = "".join(m.text for m in server.api.messages(CHAT))
    assert "상담 결과" in everything and "기초연금" in everything
    assert any(c.method == "setMyCommands" for c in server.api.calls)
