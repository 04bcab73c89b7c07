"""Free text outside a consultation: words and meaning together, one question when unsure, and
always a way to a person (issue 17, item 3)."""

from __future__ import annotations

from typing import Any

from tests.handlers.harness import Chat


async def test_a_programme_name_opens_its_card(chat_factory: Any) -> None:
    chat: Chat = chat_factory(5301)
    shown = await chat.send("기초연금")
    assert "기초연금" in shown[-1].text and "신청" in shown[-1].text


async def test_a_situation_in_own_words_offers_the_close_programmes_and_a_person(chat_factory: Any) -> None:
    """Word search alone sent this to 아이돌봄 and 한부모: nothing in it names 말벗."""
    chat: Chat = chat_factory(5302)
    shown = await chat.send("혼자 산지 십년 넘었는데 하루종일 말 한마디를 안해요")
    buttons = dict((data, label) for label, data in shown[-1].flat_buttons())
    assert "p:companionship_checkin" in buttons
    assert "tp:x:0" in buttons and any(d.startswith("b:") for d in buttons)


async def test_nothing_close_lists_no_unrelated_programme_but_areas_and_a_person(chat_factory: Any) -> None:
    chat: Chat = chat_factory(5303)
    shown = await chat.send("자동차 엔진오일 교환 주기")
    data = [d for _, d in shown[-1].flat_buttons()]
    assert not any(d.startswith("p:") for d in data), "no unrelated programme fills the list"
    assert sum(d.startswith("b:") for d in data) >= 3 and "tp:x:0" in data
    assert "찾지 못했어요" in shown[-1].text


async def test_asking_for_a_person_gives_129_and_a_call_back_request(chat_factory: Any) -> None:
    chat: Chat = chat_factory(5304)
    shown = await chat.send("사람이랑 직접 상담하고 싶어요")
    assert "129" in shown[-1].text
    shown = await chat.press_data(next(d for _, d in shown[-1].flat_buttons() if d.startswith("ns:")))
    assert "어떤 도움이 필요한가요?" in shown[-1].text, (
        "the need flow starts (consent is asked before saving)"
    )


async def test_the_person_button_and_english(chat_factory: Any) -> None:
    chat: Chat = chat_factory(5305)
    await chat.send("/lang")
    shown = await chat.send("I am pregnant, what support can I get?")
    # she says she is pregnant: that is kept, the programmes that fit are offered, the check goes on
    assert "pregnant" in shown[0].text.lower() and "Noted" not in shown[-1].text
    data = [d for m in shown for _, d in m.flat_buttons()]
    assert any(d in ("p:postnatal_care_voucher", "p:first_meeting_voucher") for d in data), data
    shown = await chat.press_data("tp:x:0")
    assert "129" in shown[-1].text and "call" in shown[-1].text.lower()
