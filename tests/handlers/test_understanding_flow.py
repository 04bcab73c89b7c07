"""Several facts in one message, said back in one line; a resident's first sentence starts the check."""

from __future__ import annotations

from typing import Any

from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat


async def test_one_message_answers_two_questions_is_said_back_and_back_takes_both_back(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1701)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    asked = await chat.answer_until({"members", "household_size"}, elderly_alone)
    shown = await chat.send("네 혼자 살아요")
    c = chat.consultation()
    assert c is not None
    assert c.answers.get("members") == [] and c.answers.get("household_size") == 1
    assert c.current_question not in ("members", "household_size"), "the other half is not asked again"
    assert "이렇게 적었어요" in shown[-1].text and "혼자 삶" in shown[-1].text
    shown = await chat.press("이전")
    c = chat.consultation()
    assert c is not None and "members" not in c.answers and "household_size" not in c.answers
    assert c.current_question == asked


async def test_a_figure_in_older_peoples_words_is_taken_and_said_back(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1702)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.answer_until("household_income", elderly_alone)
    shown = await chat.send("한 육십오만원쯤?")
    c = chat.consultation()
    assert c is not None and c.answers["household_income"] == 650_000
    assert "650,000원" in shown[-1].text


async def test_a_residents_first_sentence_keeps_its_facts_and_asks_only_the_rest(
    chat_factory: Any, services: Any
) -> None:
    chat: Chat = chat_factory(1703)
    shown = await chat.send("혼자 사는 노인인데 병원비가 많이 나와요")
    text = "\n".join(m.text for m in shown)
    assert "알아들었어요" in text and "혼자 삶" in text
    # what she asks for (병원비) comes first among the programmes offered, then what fits who she is
    offered = [label for label, _ in shown[0].flat_buttons()]
    assert offered[0] in ("재난적의료비 지원", "본인부담상한제", "의료급여 (국민기초생활보장)"), offered
    c = chat.consultation()
    assert c is not None and c.state == "asking"
    assert c.answers == {"household_size": 1, "members": []}
    assert c.current_question not in ("members", "household_size")
    with services.db.session() as s:
        log = repo.question_log(s, c.id)
        assert {row.question_id for row in log if row.answer is not None} == {"household_size", "members"}


async def test_a_search_by_name_starts_nothing(chat_factory: Any) -> None:
    chat: Chat = chat_factory(1704)
    await chat.send("기초연금")
    assert chat.consultation() is None


async def test_staff_searching_in_sentences_get_a_search_not_a_consultation(
    chat_factory: Any, services: Any
) -> None:
    with services.db.session() as s:
        repo.set_role(s, 1705, Role.STAFF)
    chat: Chat = chat_factory(1705)
    await chat.send("혼자 사는 노인인데 병원비가 많이 나와요")
    assert chat.consultation() is None


async def test_an_english_first_message_is_read_and_said_back_in_english(chat_factory: Any) -> None:
    chat: Chat = chat_factory(1706, language="en")
    shown = await chat.send("I live alone and I am 81, the heating bills are too much")
    assert "From what you wrote I noted" in shown[0].text and "81" in shown[0].text
    c = chat.consultation()
    assert c is not None and c.answers == {"household_size": 1, "members": [], "age": 81}
    assert any("person" in label.lower() for label, _ in shown[0].flat_buttons())
