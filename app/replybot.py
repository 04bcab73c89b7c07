"""The bot object handlers send with: python-telegram-bot's ExtBot plus two lean sends.

`Bot.send_message` and `edit_message_text` turn the message Telegram sends back (text, keyboard and
all) into a Message. Handlers read only its id, and that parsing cost about a tenth of a consultation
step. `send_html` and `edit_html` take the same request path (`_post`, which ExtBot and its subclasses
extend: defaults, timeouts, a rate limiter if one is set, errors such as RetryAfter or BadRequest
raised as usual) and leave the result as JSON.
"""

from __future__ import annotations

from typing import Any

from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

# What ApplicationBuilder would choose: many concurrent sends, one long poll.
SEND_POOL_SIZE = 256
NOTIFY_PER_SECOND = 25  # under Telegram's ~30 a second for messages to many chats


def _message_id(result: Any) -> int | None:
    found = result.get("message_id") if isinstance(result, dict) else None
    return found if isinstance(found, int) else None


class ReplyBot(ExtBot[None]):
    # Notifications fan out to many chats at once (a digest, an urgent need to every coordinator):
    # they go through python-telegram-bot's rate limiter, replies to the person who wrote do not.
    _notifier: AIORateLimiter | None = None

    async def notify_html(self, chat_id: int, text: str, markup: dict[str, Any] | None = None) -> None:
        """Send to someone who did not write just now, within Telegram's broadcast limits."""
        if self._notifier is None:
            await self.send_html(chat_id, text, markup)
            return

        async def post() -> bool:
            await self.send_html(chat_id, text, markup)
            return True

        await self._notifier.process_request(post, (), {}, "sendMessage", {"chat_id": chat_id}, None)

    async def send_html(self, chat_id: int, text: str, markup: dict[str, Any] | None = None) -> int | None:
        """Send; returns the new message's id (a question's, to bind typed answers to it)."""
        data: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML}
        if markup is not None:
            data["reply_markup"] = markup
        return _message_id(await self._post("sendMessage", data))

    async def edit_html(
        self, chat_id: int, message_id: int, text: str, markup: dict[str, Any] | None = None
    ) -> None:
        """Edit a message; without markup its keyboard goes, as Telegram does when none is given."""
        data: dict[str, Any] = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
        }
        if markup is not None:
            data["reply_markup"] = markup
        await self._post("editMessageText", data)


def build_bot(
    token: str,
    base_url: str,
    base_file_url: str | None = None,
    request: BaseRequest | None = None,
) -> ReplyBot:
    options: dict[str, Any] = {"base_file_url": base_file_url} if base_file_url else {}
    bot = ReplyBot(
        token,
        base_url=base_url,
        request=request or HTTPXRequest(connection_pool_size=SEND_POOL_SIZE),
        get_updates_request=request or HTTPXRequest(connection_pool_size=1),
        **options,
    )
    # Telegram allows about 30 messages a second to different chats and 20 a minute to one group.
    bot._notifier = AIORateLimiter(overall_max_rate=NOTIFY_PER_SECOND, overall_time_period=1)
    return bot
