"""A local HTTP Bot API server for end-to-end tests: the bot process talks to it over real HTTP."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from app.local_api import LocalBotAPI


class BotAPIServer:
    def __init__(self) -> None:
        self.api = LocalBotAPI()
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._cond = threading.Condition()
        self._lock = threading.Lock()
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
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bot"

    def start(self) -> BotAPIServer:
        self.thread.start()
        return self

    def stop(self) -> None:
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

    def push(self, update: dict[str, Any]) -> None:
        with self._cond:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method.lower() == "getupdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            with self._cond:
                while True:
                    pending = [u for u in self._updates if u["update_id"] >= offset]
                    remaining = deadline - time.monotonic()
                    if pending or remaining <= 0:
                        return 200, {"ok": True, "result": pending}
                    self._cond.wait(remaining)
        with self._lock:
            try:
                return 200, {"ok": True, "result": self.api.handle(method, params)}
            except LookupError as exc:
                return 400, {"ok": False, "error_code": 400, "description": str(exc)}
