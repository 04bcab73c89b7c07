"""Issue 15, item 1: every update applied at most once, a typed answer bound to the question that
was on screen when it was typed, groups refused. Each test failed before the fix."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from app.local_api import LocalBotAPI, Refused
from app.services import Services
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat, make_app


class LossyAPI(LocalBotAPI):
    """Loses every message sent while `lose` is set, as if the process died right after its commit."""

    def __init__(self) -> None:
        super().__init__()
        self.lose = False

    def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None) -> Any:
        if self.lose and method.lower() in ("sendmessage", "editmessagetext", "answercallbackquery"):
            raise Refused("Bad Request: lost on the way")
        return super().handle(method, params, files)


def _answered(services: Services, chat_id: int) -> list[tuple[str, Any]]:
    with services.db.session() as s:
        c = repo.latest_consultation(s, chat_id)
        assert c is not None
        return [(row.question_id, row.answer) for row in repo.question_log(s, c.id) if row.outcome]


async def _consulting(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")


async def test_an_update_delivered_again_is_not_applied_again(services: Services) -> None:
    """The reply went out and the answer was committed; the update came again after the restart and
    was applied to whatever question was current. Now: applied once, and nothing is answered twice."""
    api = LossyAPI()
    app, _ = make_app(services, api)
    async with app:
        chat = Chat(app, api, services, 1501)
        await _consulting(chat)
        first = chat.consultation()
        assert first is not None and first.current_question == "age"
        update = chat.updates.message(1501, "2")  # age 2 now; "2" would be a valid answer next, too
        await app.process_update(update)
        after = chat.consultation()
        assert after is not None and after.current_question != "age"
        shown = len(api.messages(1501))
        await app.process_update(update)  # Telegram delivers it again
        again = chat.consultation()
        assert again is not None and again.answers == after.answers
        assert again.current_question == after.current_question
        assert _answered(services, 1501) == [("age", 2)]
        assert len(api.messages(1501)) == shown, "its reply was delivered: nothing to show again"


async def test_a_reply_lost_with_the_process_is_shown_when_the_update_comes_again(
    services: Services,
) -> None:
    api = LossyAPI()
    app, _ = make_app(services, api)
    async with app:
        chat = Chat(app, api, services, 1502)
        await _consulting(chat)
        update = chat.updates.message(1502, "78")
        api.lose = True
        await app.process_update(update)  # committed; question 2 never reached the chat
        api.lose = False
        assert "질문 2" not in chat.last().text
        await app.process_update(update)  # after the restart, Telegram sends it again
        assert "질문 2" in chat.last().text
        assert _answered(services, 1502) == [("age", 78)]
        await chat.answer([])  # and the consultation goes on (question 2: who lives with you; nobody)
        assert len(_answered(services, 1502)) == 2


async def test_a_second_send_typed_before_the_next_question_appeared_answers_nothing(
    services: Services,
) -> None:
    """The resident sent "2" twice because the bot was slow: the second must not answer question 2."""
    app, api = make_app(services)
    async with app:
        chat = Chat(app, api, services, 1503)
        await _consulting(chat)
        once = chat.updates.message(1503, "2")
        twice = chat.updates.message(1503, "2")  # typed before question 2 was shown
        await app.process_update(once)
        question_2 = chat.consultation()
        await app.process_update(twice)
        assert "나오기 전에 보내신" in chat.last().text
        now = chat.consultation()
        assert now is not None and question_2 is not None
        assert now.answers == {"age": 2} and now.current_question == question_2.current_question
        # Typed after question 2 appeared, the same text is an answer to it.
        await chat.send("혼자 살아요")  # answers who lives here and, said back, how many
        assert _answered(services, 1503) == [("age", 2), ("members", []), ("household_size", 1)]


async def test_when_it_is_unknown_which_message_showed_the_question_it_is_asked_again(
    services: Services,
) -> None:
    app, api = make_app(services)
    async with app:
        chat = Chat(app, api, services, 1504)
        await _consulting(chat)
        with services.db.engine.begin() as connection:  # as if the process died before noting it
            connection.execute(text("UPDATE chat_state SET shown_message_id = NULL WHERE chat_id = 1504"))
        shown = await chat.send("78")
        assert "다시 답해 주세요" in shown[0].text and "질문 1" in shown[-1].text
        assert chat.consultation().answers == {}  # type: ignore[union-attr]
        await chat.send("78")
        assert chat.consultation().answers == {"age": 78}  # type: ignore[union-attr]


async def test_group_chats_get_one_polite_refusal_and_touch_nothing(
    chat_factory: Any, services: Services
) -> None:
    """In a group any member could answer someone else's consultation (99 stored as an age)."""
    with services.db.session() as s:
        repo.set_role(s, 1505, Role.COORDINATOR)
    coordinator: Chat = chat_factory(1505)
    group = -100_777
    for sender, words in ((1505, "/household"), (1506, "99"), (1506, "/start"), (1505, "/needs")):
        update = coordinator.updates.message(group, words, user_id=sender, chat_type="group")
        await coordinator.app.process_update(update)
    shown = coordinator.api.messages(group)
    assert len(shown) == 1 and "1:1 대화" in shown[0].text
    with services.db.session() as s:
        assert repo.get_user(s, 1506) is None  # a group member never becomes a user
        assert repo.latest_consultation(s, group) is None
