"""Console mode: the real Application and handlers, with the Bot API answered in-process.

Buttons are shown as numbers; typing a number presses that button. No token, no network:
the way to try the bot and to train new staff.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from typing import TextIO

from app.local_api import LocalBotAPI, LocalRequest, Shown, Updates
from app.services import Services
from app.telegram_app import build_application
from storage import repo
from storage.models import Role

CONSOLE_CHAT = 10_000_001
_TAG = re.compile(r"<[^>]+>")
BANNER = (
    "복지 안내 도우미 — 콘솔 모드: 번호를 입력하면 그 버튼을 눌러요"
    " (숫자로 답하는 질문에서는 #번호). 끝내려면 q\n"
    "Welfare guide — console mode: a number presses that button"
    " (#N where the answer is a number); q quits\n"
)


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def show(message: Shown, out: TextIO) -> None:
    out.write("\n" + plain(message.text) + "\n")
    for n, (label, _) in enumerate(message.flat_buttons(), start=1):
        out.write(f"  [{n}] {label}\n")
    out.flush()


async def run_console(
    services: Services,
    role: Role = Role.RESIDENT,
    language: str = "ko",
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    api = LocalBotAPI()
    app = build_application(services, request=LocalRequest(api), with_updater=False)
    with services.db.session() as s:
        user = repo.ensure_user(s, CONSOLE_CHAT, language)
        repo.set_role(s, CONSOLE_CHAT, role)
        del user
    async with app:
        if app.post_init:
            await app.post_init(app)
        updates = Updates(app.bot, api)
        out.write(BANNER)
        seen = 0
        await app.process_update(updates.message(CONSOLE_CHAT, "/start", language=language))
        while True:
            messages = api.messages(CONSOLE_CHAT)
            for message in messages[seen:]:
                show(message, out)
            seen = len(messages)
            out.write("> ")
            out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip().lower() in ("q", "quit", "exit", "/quit"):
                out.write("\n안녕히 가세요. Goodbye.\n")
                return 0
            text = line.strip()
            if not text:
                continue
            update = _as_update(api, updates, text, language)
            await app.process_update(update)
            # Edited messages (multi-choice toggles) are shown again.
            if api.calls and api.calls[-1].method.lower() == "editmessagetext":
                show(api.find(CONSOLE_CHAT, int(api.calls[-1].params["message_id"])) or messages[-1], out)


def _as_update(api: LocalBotAPI, updates: Updates, text: str, language: str) -> object:
    """'#N' always presses button N; a bare number does too unless the question wants a typed number."""
    buttons = [(m, b) for m in api.messages(CONSOLE_CHAT)[-1:] for b in m.flat_buttons()]
    only_navigation = all(data.startswith("n:") for _, (_, data) in buttons)
    pressed = text[1:] if text.startswith("#") else (text if not only_navigation else "")
    if pressed.isdigit() and 1 <= int(pressed) <= len(buttons):
        message, (_, data) = buttons[int(pressed) - 1]
        return updates.callback(CONSOLE_CHAT, message.message_id, data, language=language)
    return updates.message(CONSOLE_CHAT, text, language=language)
