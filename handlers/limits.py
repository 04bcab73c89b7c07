"""Telegram's limits, and fitting replies under them: every message the bot sends passes through here.

Telegram refuses a message over 4,096 characters (after HTML parsing), a caption over 1,024, an
answer to a button over 200 and callback data over 64 bytes. A refused reply would reach the error
handler and leave the person without an answer, so long replies are split at line breaks (never
inside a tag or an entity: tags still open are closed and opened again) and short texts clipped.
Lengths are counted in UTF-16 code units, as Telegram counts them, on the HTML source, which is
never shorter than what Telegram counts: a safe over-estimate.
"""

from __future__ import annotations

import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
NOTICE_LIMIT = 200
CALLBACK_DATA_BYTES = 64
SAFE_TEXT = 4000  # a margin under TEXT_LIMIT
ELLIPSIS = "…"

_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|\S+\s*|\s+")
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^<>]*>")


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """Plain text cut to `limit` units, with an ellipsis when something was cut."""
    if units(text) <= limit:
        return text
    out = []
    used = units(ELLIPSIS)
    for ch in text:
        used += units(ch)
        if used > limit:
            break
        out.append(ch)
    return "".join(out).rstrip() + ELLIPSIS


def _visible(html: str) -> str:
    return _TAG.sub("", html)


class _Chunks:
    """Greedy filling of chunks with tags kept balanced across the cuts."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.done: list[str] = []
        self.current = ""
        self.stack: list[tuple[str, str]] = []  # open tags: (name, the opening tag as written)

    def _closing(self, stack: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def _after(self, piece: str) -> list[tuple[str, str]]:
        stack = list(self.stack)
        for m in _TAG.finditer(piece):
            name = m[2].lower()
            if m[1]:
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == name:
                        del stack[i:]
                        break
            else:
                stack.append((name, m[0]))
        return stack

    def fits(self, piece: str) -> bool:
        return units(self.current + piece) + units(self._closing(self._after(piece))) <= self.limit

    def add(self, piece: str) -> None:
        self.stack = self._after(piece)
        self.current += piece

    def has_text(self) -> bool:
        return bool(_visible(self.current).strip())

    def flush(self) -> None:
        if self.has_text():
            self.done.append(self.current + self._closing(self.stack))
        self.current = "".join(raw for _, raw in self.stack)


def split_html(text: str, limit: int = SAFE_TEXT) -> list[str]:
    """Parts of at most `limit` units each, cut at line breaks where possible; HTML stays well formed."""
    if units(text) <= limit:
        return [text]
    chunks = _Chunks(limit)
    for i, line in enumerate(text.split("\n")):
        piece = f"\n{line}" if i and chunks.has_text() else line
        if chunks.fits(piece):
            chunks.add(piece)
            continue
        chunks.flush()
        if chunks.fits(line):
            chunks.add(line)
            continue
        for m in _TOKEN.finditer(line):
            token = m[0]
            if not chunks.fits(token):
                chunks.flush()
            if chunks.fits(token):
                chunks.add(token)
                continue
            for ch in token:  # one word longer than a whole message
                if not chunks.fits(ch):
                    chunks.flush()
                chunks.add(ch)
    chunks.flush()
    return chunks.done or [clip(_visible(text), limit)]
