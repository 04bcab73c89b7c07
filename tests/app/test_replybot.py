"""ReplyBot's lean sends: the same Bot API requests as send_message and edit_message_text."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest
from telegram.request import HTTPXRequest

from app.local_api import LocalBotAPI, LocalRequest
from app.replybot import ReplyBot, build_bot
from app.telegram_app import LOCAL_TOKEN

KEYBOARD = {"inline_keyboard": [[{"text": "예", "callback_data": "a:1:q:true"}]]}


@pytest.fixture
async def bot_and_api() -> tuple[ReplyBot, LocalBotAPI]:
    api = LocalBotAPI()
    return build_bot(LOCAL_TOKEN, "http://local/bot", request=LocalRequest(api)), api


async def test_send_html_is_a_send_message_request(bot_and_api: tuple[ReplyBot, LocalBotAPI]) -> None:
    bot, api = bot_and_api
    await bot.send_html(7, "<b>질문 1</b>", KEYBOARD)
    await bot.send_html(7, "plain")
    first, second = (c for c in api.calls if c.method == "sendMessage")
    sent = first.params
    assert (sent["chat_id"], sent["text"], sent["parse_mode"]) == (7, "<b>질문 1</b>", "HTML")
    assert sent["reply_markup"] == KEYBOARD
    assert "reply_markup" not in second.params
    assert [m.flat_buttons() for m in api.messages(7)] == [[("예", "a:1:q:true")], []]


async def test_edit_html_replaces_text_and_keyboard(bot_and_api: tuple[ReplyBot, LocalBotAPI]) -> None:
    bot, api = bot_and_api
    await bot.send_html(7, "before", KEYBOARD)
    shown = api.last(7)
    await bot.edit_html(7, shown.message_id, "after")
    assert (shown.text, shown.buttons) == ("after", [])  # no markup given: the keyboard goes
    await bot.edit_html(7, shown.message_id, "again", KEYBOARD)
    assert shown.flat_buttons() == [("예", "a:1:q:true")]


async def test_errors_are_raised_as_the_library_raises_them(
    bot_and_api: tuple[ReplyBot, LocalBotAPI],
) -> None:
    bot, _ = bot_and_api
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_html(7, 999, "no such message")


def test_without_a_request_object_it_talks_http_with_a_pool_for_concurrent_sends() -> None:
    bot = build_bot(LOCAL_TOKEN, "http://local/bot")
    assert isinstance(bot.request, HTTPXRequest)
    assert bot.request is not bot._request[0]  # long polling has a connection of its own
