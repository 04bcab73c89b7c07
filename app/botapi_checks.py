"""What Telegram refuses, checked by the in-process Bot API, so tests and the console fail where
Telegram would: a message over 4,096 characters, HTML it cannot parse, callback data over 64 bytes,
a caption over 1,024, a button answer over 200. Each check returns Telegram's kind of error text, or
None when the call would be accepted.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
NOTICE_LIMIT = 200
CALLBACK_DATA_BYTES = 64
BUTTON_TEXT_LIMIT = 64 * 4  # Telegram cuts long labels; anything near this is a bug
MAX_BUTTONS = 100
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
     "tg-spoiler", "tg-emoji", "blockquote"}
)  # fmt: skip
_BAD_AMPERSAND = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_BAD_LT = re.compile(r"<(?!/?[A-Za-z][\w-]*(?:\s[^<>]*)?>)")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.visible: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Unmatched end tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.error = self.error or f'Unsupported HTML entity "&{name};"'
        self.visible.append("x")

    def handle_charref(self, name: str) -> None:
        self.visible.append("x")


def html_error(text: str) -> str | None:
    """Why Telegram would refuse this HTML message text, or None."""
    if _BAD_AMPERSAND.search(text):
        return "Can't parse entities: character entity expected"
    if _BAD_LT.search(text):
        return "Can't parse entities: unsupported start tag"
    parser = _Html()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error is not None:
        return f"Can't parse entities: {parser.error}"
    visible = "".join(parser.visible)
    if not visible.strip():
        return "message text is empty"
    if units(visible) > TEXT_LIMIT:
        return "message is too long"
    return None


def markup_error(markup: Any) -> str | None:
    data = json.loads(markup) if isinstance(markup, str) else markup
    if not data:
        return None
    rows = data.get("inline_keyboard", []) if isinstance(data, dict) else []
    buttons = [b for row in rows for b in row]
    if len(buttons) > MAX_BUTTONS:
        return "reply markup is too long"
    for button in buttons:
        if not str(button.get("text", "")).strip():
            return "BUTTON_TEXT_EMPTY"
        if units(str(button["text"])) > BUTTON_TEXT_LIMIT:
            return "BUTTON_TEXT_TOO_LONG"
        callback = button.get("callback_data")
        if callback is not None and not 1 <= len(str(callback).encode()) <= CALLBACK_DATA_BYTES:
            return "BUTTON_DATA_INVALID"
    return None


def call_error(method: str, params: dict[str, Any]) -> str | None:
    """Bad Request text Telegram would give for this call, or None."""
    name = method.lower()
    problem: str | None = None
    if name in ("sendmessage", "editmessagetext"):
        text = str(params.get("text") or "")
        if str(params.get("parse_mode") or "").upper() == "HTML":
            problem = html_error(text)
        elif not text.strip():
            problem = "message text is empty"
        elif units(text) > TEXT_LIMIT:
            problem = "message is too long"
    elif name in ("senddocument", "sendphoto"):
        if units(str(params.get("caption") or "")) > CAPTION_LIMIT:
            problem = "message caption is too long"
    elif name == "answercallbackquery" and units(str(params.get("text") or "")) > NOTICE_LIMIT:
        problem = "MESSAGE_TOO_LONG"
    if problem is None and params.get("reply_markup"):
        problem = markup_error(params["reply_markup"])
    return None if problem is None else f"Bad Request: {problem}"
