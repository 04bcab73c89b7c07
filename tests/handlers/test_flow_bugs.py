"""Issue 17, item 5: the flow bugs residents and staff met, each reproduced first."""

from __future__ import annotations

from typing import Any

from app.services import Services
from storage import drafts, repo
from storage.models import Role
from tests.handlers.harness import Chat


def _role(services: Services, telegram_id: int, role: Role) -> None:
    with services.db.session() as s:
        repo.set_role(s, telegram_id, role)


async def _asking(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")


async def test_help_under_an_old_question_does_not_answer_for_the_current_one(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(5401)
    await _asking(chat)
    first = chat.last()
    c = chat.consultation()
    assert c is not None
    await chat.answer(elderly_alone[c.current_question])  # type: ignore[index]
    now = chat.consultation()
    assert now is not None and now.current_question != c.current_question
    shown = await chat.press_data(f"n:{c.id}:help", first.message_id)  # the help under question 1
    # Not question 2's help as if it were question 1's: the question on screen is shown again.
    question = chat.services.manual.questions[now.current_question]  # type: ignore[index]
    assert question.text.ko in escape_free(shown[-1].text)
    await chat.press_data(f"n:{c.id}:skip", first.message_id)  # and skip under it skips nothing
    after = chat.consultation()
    assert after is not None and after.answers == now.answers
    assert after.current_question == now.current_question


def escape_free(text: str) -> str:
    import html

    return html.unescape(text)


async def test_cancel_ends_a_need_being_written_and_the_next_text_is_not_swallowed(
    chat_factory: Any, services: Services
) -> None:
    """A household code typed to look a household up became an urgent need's description."""
    _role(services, 5402, Role.STAFF)
    with services.db.session() as s:
        repo.create_household(s, "H-0001", repo.get_user(s, 5402))
    chat: Chat = chat_factory(5402)
    await chat.send("/need")
    await chat.send("H-0001")
    await chat.press("주거")
    await chat.press("긴급")
    shown = await chat.send("/cancel")
    assert "멈췄어요" in shown[-1].text
    with services.db.session() as s:
        assert drafts.get_draft(s, 5402) is None
    shown = await chat.send("H-0001")
    assert "가구 H-0001" in shown[-1].text
    with services.db.session() as s:
        from storage import needs as needs_repo

        assert needs_repo.list_needs(s)[1] == 0


async def test_a_refused_command_is_answered_once_and_names_who_may_use_it(
    chat_factory: Any, services: Services
) -> None:
    _role(services, 5403, Role.STAFF)
    chat: Chat = chat_factory(5403)
    before = len(chat.api.messages(5403))
    await chat.send("/stats")
    replies = chat.api.messages(5403)[before:]
    assert len(replies) == 1, [m.text for m in replies]
    assert "담당 공무원만" not in replies[0].text and "조정 담당" in replies[0].text
    resident: Chat = chat_factory(5404)
    shown = await resident.send("/needs")
    assert len(shown) == 1 and "담당 공무원" in shown[0].text


async def test_an_error_after_the_button_was_answered_still_tells_the_person(
    chat_factory: Any, monkeypatch: Any
) -> None:
    import importlib

    route = importlib.import_module("handlers.route")
    chat: Chat = chat_factory(5405)
    await _asking(chat)
    real = route._send_parts

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the next message could not be built")

    monkeypatch.setattr(route, "_send_parts", broken)
    c = chat.consultation()
    assert c is not None
    await chat.press_data(f"n:{c.id}:skip")  # the callback is answered, then sending fails
    monkeypatch.setattr(route, "_send_parts", real)
    assert "문제가 생겼어요" in chat.last().text


async def test_mydata_shows_answers_in_words(chat_factory: Any, services: Services) -> None:
    chat: Chat = chat_factory(5406)
    await _asking(chat)
    await chat.answer(80)  # age
    await chat.answer([])  # lives alone
    shown = await chat.send("/mydata")
    text = shown[-1].text
    for raw in ("True", "False", "[]", "None", "members", "age:"):
        assert raw not in text, (raw, text)
    assert "80세" in text


async def test_a_well_formed_unknown_household_code_is_called_unknown(
    chat_factory: Any, services: Services
) -> None:
    _role(services, 5407, Role.STAFF)
    chat: Chat = chat_factory(5407)
    for command in ("/visit H-0999", "/need"):
        shown = await chat.send(command)
    shown = await chat.send("H-0999")
    assert "H-0999" in shown[-1].text and "H와 숫자" not in shown[-1].text
    await chat.send("/cancel")
    shown = await chat.send("/visit H-0999 안부")
    assert "H-0999" in shown[-1].text and "/visit H-0042" not in shown[-1].text


async def test_the_benefits_question_has_the_none_button_its_text_names(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1790)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.answer_until("welfare_status", elderly_alone)
    c = chat.consultation()
    assert c is not None and "없음" in chat.last().text
    assert ("없음", f"a:{c.id}:welfare_status:none") in chat.last().flat_buttons()
    await chat.press("없음")
    c = chat.consultation()
    assert c is not None and c.answers["welfare_status"] == [] and c.current_question != "welfare_status"


async def test_staff_look_a_household_up_in_the_middle_of_a_consultation(
    chat_factory: Any, services: Services
) -> None:
    """A household code typed under a question is no answer: the household is shown, the question waits."""
    _role(services, 5410, Role.STAFF)
    with services.db.session() as s:
        repo.create_household(s, "H-0007", repo.get_user(s, 5410))
    chat: Chat = chat_factory(5410)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    before = chat.consultation()
    assert before is not None and before.current_question is not None
    shown = await chat.send("h 0007")
    assert any("가구 H-0007" in m.text for m in shown) and "이어서" in shown[-1].text
    after = chat.consultation()
    assert after is not None and after.answers == before.answers
    assert after.current_question == before.current_question
