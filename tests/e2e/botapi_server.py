"""A local HTTP Bot API server for end-to-end tests: the bot process talks to it over real HTTP.

Like Telegram, it keeps an update until a getUpdates call confirms it (offset), gives the messages a
user sends ids from the same sequence as the bot's (a private chat), and can hold a chat's next
sendMessage back (`hold`) so a test can kill the bot after its commit and before its reply.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from app.local_api import LocalBotAPI

HOLD_S = 10.0  # at most this long a held reply waits to be released


class Hold:
    """A chat's next sendMessage, kept waiting: `release()` lets it through, `drop()` loses it (as if
    the bot died before the request left it)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.dropped = False

    def release(self) -> None:
        self.event.set()

    def drop(self) -> None:
        self.dropped = True
        self.event.set()


class BotAPIServer:
    def __init__(self) -> None:
        self.api = LocalBotAPI()
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._cond = threading.Condition()
        self._lock = threading.Lock()
        self._holds: dict[int, Hold] = {}
        self.delivered: dict[int, int] = {}  # update id → how often getUpdates returned it
        self.confirmed = 0  # every update below this id was confirmed by an offset
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                params = server._params(self.headers.get("Content-Type", ""), body)
                method = self.path.rsplit("/", 1)[-1]
                status, payload = server.handle(method, params)
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the bot was killed while waiting for this answer

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bot"

    def start(self) -> BotAPIServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        for hold in list(self._holds.values()):
            hold.release()
        with self._cond:
            self._cond.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if "json" in content_type:
            loaded = json.loads(body)
            return loaded if isinstance(loaded, dict) else {}
        if "x-www-form-urlencoded" in content_type:
            return {k: v[0] for k, v in parse_qs(body.decode()).items()}
        return {}  # multipart uploads are not used in the e2e flow

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update as Telegram would; a message gets the chat's next message id. Returns its id."""
        with self._cond:
            message = update.get("message")
            if isinstance(message, dict) and "message_id" not in message:
                message["message_id"] = self.api.next_message_id()
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def hold(self, chat_id: int) -> Hold:
        """Keep the next message sent to this chat waiting until it is released or dropped."""
        hold = Hold()
        with self._lock:
            self._holds[chat_id] = hold
        return hold

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method.lower() == "getupdates":
            return self._get_updates(params)
        if method.lower() == "sendmessage":
            with self._lock:
                held = self._holds.pop(int(params.get("chat_id") or 0), None)
            if held is not None:
                held.event.wait(HOLD_S)
                if held.dropped:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: lost"}
        with self._lock:
            try:
                return 200, {"ok": True, "result": self.api.handle(method, params)}
            except LookupError as exc:
                return 400, {"ok": False, "error_code": 400, "description": str(exc)}

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        with self._cond:
            if offset:
                self.confirmed = max(self.confirmed, offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                pending = [u for u in self._updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    for u in pending:
                        self.delivered[u["update_id"]] = self.delivered.get(u["update_id"], 0) + 1
                    return 200, {"ok": True, "result": pending}
                self._cond.wait(remaining)

    def messages(self, chat_id: int) -> list[Any]:
        """A snapshot of what the chat shows (safe while the bot is sending)."""
        with self._lock:
            return list(self.api.messages(chat_id))
