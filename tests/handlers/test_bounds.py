"""Issue 15, item 4: every reply within Telegram's limits, every free text limited and asked again,
every id range-checked, unknown commands answered. Each test failed before the fix (an error reached
the error handler, or a reply Telegram would refuse was sent)."""

from __future__ import annotations

from typing import Any

import pytest

from app.botapi_checks import TEXT_LIMIT, units
from handlers.limits import split_html
from storage import needs as needs_repo
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat


def _role(services: Any, telegram_id: int, role: Role) -> None:
    with services.db.session() as s:
        repo.set_role(s, telegram_id, role)


async def _need(chat: Chat, household: str, text: str) -> int:
    await chat.send("/need")
    await chat.send(household)
    await chat.press("말벗")
    await chat.press("보통")
    await chat.send(text)
    with chat.services.db.session() as s:
        found, _ = needs_repo.list_needs(s, limit=50)
        return max(n.id for n in found)


@pytest.mark.parametrize(
    "data",
    ["nc:2147483648", "nc:9223372036854775808", "nc:99999999999999999999999999", "r:-1", "a:2147483648:age:1",
     "nl:open:9223372036854775807", "na:1:2147483648", "hs:9223372036854775808:1", "nc:٣"],
)  # fmt: skip
async def test_ids_beyond_what_the_database_holds_are_refused_as_buttons(
    chat_factory: Any, services: Any, errors: list[BaseException], data: str
) -> None:
    _role(services, 1701, Role.COORDINATOR)
    chat: Chat = chat_factory(1701)
    await chat.send("/start")
    await chat.press_data(data)
    assert errors == []
    assert chat.api.calls[-1].method == "answerCallbackQuery"


async def test_a_note_over_the_limit_is_asked_again_and_nothing_saved_is_lost(
    chat_factory: Any, services: Any, errors: list[BaseException]
) -> None:
    _role(services, 1702, Role.COORDINATOR)
    with services.db.session() as s:
        repo.create_household(s, "H-0001", None)
    chat: Chat = chat_factory(1702)
    need_id = await _need(chat, "H-0001", "말벗 필요")
    for press, long_text in (
        (f"nn:{need_id}", "메모" * 600),
        (f"nt:{need_id}:closed_unresolved", "사유" * 501),
    ):
        await chat.press_data(press)
        shown = await chat.send(long_text)
        assert "너무 길어요" in shown[-1].text and "1,000자" in shown[-1].text
        shown = await chat.send("짧게 다시")  # the draft waited for a shorter text
        assert "너무 길어요" not in shown[-1].text
    shown = await chat.send("/need")
    await chat.send("H-0001")
    await chat.press("안전")
    await chat.press("보통")
    shown = await chat.send("가" * 1001)
    assert "너무 길어요" in shown[-1].text
    with services.db.session() as s:
        need = needs_repo.get_need(s, need_id)
        assert need is not None and need.description == "말벗 필요"
        assert [e.note for e in need.events if e.note] == ["짧게 다시", "짧게 다시"]
    assert errors == []


async def test_long_replies_are_split_and_a_card_with_long_notes_opens_again(
    chat_factory: Any, services: Any, errors: list[BaseException]
) -> None:
    _role(services, 1703, Role.COORDINATOR)
    with services.db.session() as s:
        repo.create_household(s, "H-0001", None)
    chat: Chat = chat_factory(1703)
    need_id = await _need(chat, "H-0001", "긴 설명 " * 120)
    for _ in range(6):
        await chat.press_data(f"nn:{need_id}")
        await chat.send("기록 & <메모> " * 90)
    shown = await chat.press_data(f"nc:{need_id}")
    assert len(shown) >= 2 and all(units(m.text) <= TEXT_LIMIT for m in shown)
    assert shown[-1].flat_buttons(), "the buttons come with the last part"
    assert errors == [] and chat.api.refused == []


async def test_search_check_and_mydata_stay_within_limits(
    chat_factory: Any, services: Any, errors: list[BaseException]
) -> None:
    _role(services, 1704, Role.STAFF)
    staff: Chat = chat_factory(1704)
    shown = await staff.send("기초연금 " * 800)  # a long text where a search was expected
    assert "너무 길어요" in shown[-1].text
    shown = await staff.send("/check " + "72세 1인 월80만 뭐시기 " * 40)
    assert "너무 길어요" in shown[-1].text
    resident: Chat = chat_factory(1705)
    for category in ("기타", "안전", "말벗", "소득지원", "주거지원", "건강지원"):  # no duplicates
        await resident.send("/need")
        await resident.press(category)
        await resident.press("보통")
        await resident.send("도움이 필요해요 " * 110)
        await resident.press("동의해요")
        await resident.press("전화는 필요 없어요")
        await resident.press("아니요")
    shown = await resident.send("/mydata")
    assert len(shown) >= 2 and all(units(m.text) <= TEXT_LIMIT for m in shown)
    assert errors == [] and staff.api.refused == []


async def test_assigning_a_closed_need_is_refused_not_raised(
    chat_factory: Any, services: Any, errors: list[BaseException]
) -> None:
    _role(services, 1706, Role.COORDINATOR)
    _role(services, 1707, Role.STAFF)
    with services.db.session() as s:
        repo.create_household(s, "H-0001", None)
        staff_id = repo.get_user(s, 1707).id  # type: ignore[union-attr]
    chat: Chat = chat_factory(1706)
    need_id = await _need(chat, "H-0001", "말벗")
    await chat.press_data(f"nt:{need_id}:closed_unresolved")
    await chat.send("연락 두절")
    await chat.press_data(f"na:{need_id}:{staff_id}")
    assert "바꿀 수 없어요" in str(chat.api.calls[-1].params.get("text"))
    assert errors == []


async def test_unknown_commands_and_non_text_get_a_short_answer(chat_factory: Any) -> None:
    from telegram import Update

    chat: Chat = chat_factory(1708)
    shown = await chat.send("/frobnicate now")
    assert "모르는 명령" in shown[0].text and "/start" in shown[-1].text
    photo = {
        "update_id": 10**12,
        "message": {
            "message_id": chat.api.next_message_id(),
            "date": 0,
            "chat": {"id": 1708, "type": "private"},
            "from": {"id": 1708, "is_bot": False, "first_name": "사용자"},
            "photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}],
            "caption": "주민번호 900101-1234567",
        },
    }
    await chat.app.process_update(Update.de_json(photo, chat.app.bot))
    assert "글로 보내 주세요" in chat.last().text


async def test_nul_and_control_characters_never_reach_the_database(
    chat_factory: Any, services: Any, errors: list[BaseException], caplog: Any
) -> None:
    """PostgreSQL refused a NUL in a description, and the error line printed the raw 주민등록번호."""
    caplog.set_level("DEBUG")
    chat: Chat = chat_factory(1709)
    await chat.send("/need")
    await chat.press("기타")
    await chat.press("보통")
    await chat.send("주민번호 900101-1234567\x00 도와\x07주세요")
    await chat.press("동의해요")
    await chat.press("전화는 필요 없어요")
    await chat.press("아니요")
    assert errors == []
    with services.db.session() as s:
        (need,), _ = needs_repo.list_needs(s)
        assert need.description == "주민번호 [주민등록번호] 도와주세요"
    assert "1234567" not in caplog.text
    await chat.send("/need")
    await chat.press("안전")
    await chat.press("보통")
    shown = await chat.send("\x00\x01")  # nothing left once the control characters are gone
    assert "읽을 수 있는 내용이 없어요" in shown[-1].text and errors == []


def test_split_html_keeps_tags_balanced_and_parts_short() -> None:
    from app.botapi_checks import html_error

    lines = (f"<i>줄 {i} &amp; 이어서 " + "가" * (i % 50) + "</i>" for i in range(400))
    text = "<b>머리</b>\n" + "\n".join(lines)
    text += "\n<b>" + "아주 긴 한 줄 " * 900 + "</b>" + "\n🙂" * 10
    parts = split_html(text, 4000)
    assert len(parts) > 3
    for part in parts:
        assert units(part) <= 4000
        assert html_error(part) is None, part[:80]
    assert split_html("짧다") == ["짧다"]


async def test_a_long_visit_reminder_is_split(chat_factory: Any, services: Any, monkeypatch: Any) -> None:
    from types import SimpleNamespace

    from handlers import jobs

    _role(services, 1710, Role.STAFF)
    chat: Chat = chat_factory(1710)
    with services.db.session() as s:
        staff = repo.get_user(s, 1710)
        for n in range(1, 700):
            repo.assign_staff(s, repo.create_household(s, f"H-{n:04d}", None), staff)
    monkeypatch.setattr(type(services.settings.casework().visits), "is_reminder_day", lambda self, day: True)
    await jobs.visit_reminders(SimpleNamespace(application=chat.app, bot=chat.app.bot))  # type: ignore[arg-type]
    shown = chat.api.messages(1710)
    assert len(shown) >= 2 and "H-0699" in shown[-1].text and chat.api.refused == []
