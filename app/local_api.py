"""A Bot API answered in-process: console mode and tests talk to it instead of Telegram.

It keeps what a chat would show (messages with their buttons, edited in place) and records every
call, so a test can assert on what the bot said and the console can print it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

from app.botapi_checks import call_error

BOT_USER = {
    "id": 900000001,
    "is_bot": True,
    "first_name": "복지안내",
    "username": "bokji_local_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Shown:
    """A message as the chat shows it now."""

    message_id: int
    chat_id: int
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)  # rows of (label, callback_data)
    document: str | None = None

    def flat_buttons(self) -> list[tuple[str, str]]:
        return [b for row in self.buttons for b in row]


# Message ids rise across instances and runs, as a chat's do on Telegram: a question shown before a
# restart (a new LocalBotAPI, a new console) keeps an id lower than anything typed after it.
_MESSAGE_IDS = itertools.count(time.time_ns() // 1_000_000 * 10)


def new_message_id() -> int:
    """The next message id of the one sequence every LocalBotAPI of this process shares."""
    return next(_MESSAGE_IDS)


class Refused(LookupError):
    """What Telegram would answer 400 Bad Request to (app.botapi_checks)."""


class LocalBotAPI:
    """Answers Bot API methods the bot uses; unknown methods fail loudly so gaps are noticed.

    `strict` (the default) refuses what Telegram refuses (too long, bad HTML, callback data over 64
    bytes …), so a reply Telegram would not deliver fails in tests and the console too; `refused`
    keeps every such call. The throughput benchmark turns it off: it measures the bot, not this.
    """

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict
        self.refused: list[tuple[Call, str]] = []
        self.calls: list[Call] = []
        self.chats: dict[int, list[Shown]] = {}
        self.files: dict[str, bytes] = {}
        self._ids = _MESSAGE_IDS
        self.commands: dict[str, list[dict[str, Any]]] = {}

    # -- what the chat shows
    def messages(self, chat_id: int) -> list[Shown]:
        return self.chats.get(chat_id, [])

    def last(self, chat_id: int) -> Shown:
        return self.messages(chat_id)[-1]

    def find(self, chat_id: int, message_id: int) -> Shown | None:
        return next((m for m in self.messages(chat_id) if m.message_id == message_id), None)

    def next_message_id(self) -> int:
        """A message id for a message the user sends: in a private chat, both sides share one sequence."""
        return new_message_id()

    # -- the API
    def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None) -> Any:
        call = Call(method, params)
        self.calls.append(call)
        if self.strict:
            problem = call_error(method, params)
            if problem is not None:
                self.refused.append((call, problem))
                raise Refused(problem)
        name = method.lower()
        if name == "getme":
            return BOT_USER
        if name in (
            "setmycommands",
            "deletemycommands",
            "deletewebhook",
            "setwebhook",
            "answercallbackquery",
            "sendchataction",
            "close",
            "logout",
        ):
            if name == "setmycommands":
                self.commands[str(params.get("language_code", ""))] = _decode(params.get("commands", []))
            return True
        if name == "getupdates":
            return []
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if name in ("sendmessage", "senddocument", "sendphoto"):
            return self._send(name, params, files or {})
        if name in ("editmessagetext", "editmessagereplymarkup"):
            return self._edit(name, params)
        if name == "deletemessage":
            chat = self.chats.get(int(params["chat_id"]), [])
            self.chats[int(params["chat_id"])] = [
                m for m in chat if m.message_id != int(params["message_id"])
            ]
            return True
        raise LookupError(f"local Bot API does not implement {method}")

    def _send(self, name: str, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        text = str(params.get("text") or params.get("caption") or "")
        shown = Shown(next(self._ids), chat_id, text, _buttons(params.get("reply_markup")))
        if name != "sendmessage":
            for filename, content in files.items():
                self.files[filename] = content
                shown.document = filename
        self.chats.setdefault(chat_id, []).append(shown)
        return self._message(shown, params)

    def _edit(self, name: str, params: dict[str, Any]) -> dict[str, Any] | bool:
        chat_id = int(params["chat_id"])
        shown = self.find(chat_id, int(params["message_id"]))
        if shown is None:
            raise LookupError("message to edit not found")
        if name == "editmessagetext":
            shown.text = str(params["text"])
        shown.buttons = _buttons(params.get("reply_markup"))
        return self._message(shown, params)

    @staticmethod
    def _message(shown: Shown, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": shown.chat_id, "type": "private"},
            "from": BOT_USER,
            "text": shown.text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = _decode(params["reply_markup"])
        return message


def _decode(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _buttons(markup: Any) -> list[list[tuple[str, str]]]:
    data = _decode(markup) if markup else {}
    rows = data.get("inline_keyboard", []) if isinstance(data, dict) else []
    return [[(b["text"], b.get("callback_data") or b.get("url", "")) for b in row] for row in rows]


@dataclass
class NetworkWait:
    """Seconds one update spent awaiting the simulated Bot API; see `network_wait`."""

    seconds: float = 0.0


# Set by whoever measures an update (the throughput benchmark), inside that update's task, so each
# update's simulated round trips can be told apart from the time its handlers really took.
network_wait: ContextVar[NetworkWait | None] = ContextVar("network_wait", default=None)


class LocalRequest(BaseRequest):
    """A python-telegram-bot request object that answers from a LocalBotAPI instead of the network.

    `latency` (seconds) simulates the round trip to Telegram before each answer, so a benchmark can
    show what a slow Bot API does to throughput; 0 answers at once without yielding to the loop.
    """

    def __init__(self, api: LocalBotAPI, latency: float = 0.0) -> None:
        if latency < 0:
            raise ValueError("latency must not be negative")
        self.api = api
        self.latency = latency

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.latency > 0:
            started = time.perf_counter()
            await asyncio.sleep(self.latency)
            meter = network_wait.get()
            if meter is not None:
                meter.seconds += time.perf_counter() - started
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for part in request_data.multipart_data.values():
                filename, content = part[0], part[1]
                files[str(filename)] = content if isinstance(content, bytes) else content.read()
        try:
            result = self.api.handle(api_method, params, files)
        except LookupError as exc:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": str(exc)}).encode()
        return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()


# Update ids rise across runs, as Telegram's do: a console started again on the same database must
# not look like Telegram delivering old updates again (storage.chat).
_UPDATE_IDS = itertools.count(time.time_ns() // 1_000)


class Updates:
    """Builds the updates a Telegram client would send, for the console and for tests.

    With `api`, a message the user types takes its id from the same sequence as the bot's messages,
    as in a real private chat, so a typed answer can be told to come after the question it answers.
    """

    def __init__(self, bot: Bot, api: LocalBotAPI | None = None) -> None:
        self.bot = bot
        self.api = api
        self._ids = _UPDATE_IDS

    def _message_id(self) -> int:
        return self.api.next_message_id() if self.api is not None else next(self._ids) + 500000

    def _user(self, user_id: int, language: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "사용자", "language_code": language}

    def message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language: str = "ko",
        message_id: int | None = None,
        chat_type: str = "private",
    ) -> Update:
        uid = user_id if user_id is not None else chat_id
        payload: dict[str, Any] = {
            "message_id": message_id if message_id is not None else self._message_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": self._user(uid, language),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return Update.de_json({"update_id": next(self._ids), "message": payload}, self.bot)

    def callback(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None, language: str = "ko"
    ) -> Update:
        uid = user_id if user_id is not None else chat_id
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": "…",
        }
        query = {
            "id": str(next(self._ids)),
            "from": self._user(uid, language),
            "chat_instance": str(chat_id),
            "data": data,
            "message": message,
        }
        return Update.de_json({"update_id": next(self._ids), "callback_query": query}, self.bot)
