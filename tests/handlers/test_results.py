"""Results people can act on (handlers.results, reminders, person, printout), walked through the real
Application: a short summary first, the rest a button away; reminders sent once; outcomes recorded."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

from pypdf import PdfReader

from handlers import jobs
from handlers.errors import _text as error_text
from handlers.results import today
from knowledge.reminders import pension_month
from storage import reminders as reminders_repo
from storage import repo
from storage.models import Role
from storage.models_reminders import Reminder, ReminderKind
from tests.handlers.harness import Chat

SUMMARY_LIMIT = 1000  # characters: the old first message was 3,980 (and a second of 1,657)


async def _results(chat: Chat, profile: dict[str, Any]) -> None:
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.consult(profile)


async def test_the_first_results_message_is_short_and_says_what_to_do(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1701)
    await _results(chat, elderly_alone)
    shown = [m for m in chat.api.messages(1701) if "상담 결과" in m.text]
    assert len(shown) == 1
    summary = shown[0]
    assert summary is chat.last() and len(summary.text) < SUMMARY_LIMIT
    assert "받을 수 있는 제도" in summary.text and "먼저 챙기세요" in summary.text
    assert "기초연금" in summary.text and "349,700원" in summary.text and "국민연금공단" in summary.text
    assert summary.text.count("💰") == 3 and "129" in summary.text
    assert "— 기준:" not in summary.text and "모름" not in summary.text  # no raw reason lines
    labels = " ".join(label for label, _ in summary.flat_buttons())
    for label in ("자세히", "안 되는 이유", "준비물", "PDF", "알림", "사람과 상담", "어려운 말"):
        assert label in labels


async def test_why_not_and_still_unknown_in_plain_words(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1702)
    await _results(chat, {**elderly_alone, "long_term_care_grade": None})  # one fact left unknown
    (why,) = await chat.press("안 되는 이유")
    assert "맞지 않는 조건" in why.text
    assert "— 기준:" not in why.text and "✓" not in why.text
    assert "장기요양등급: 모름" not in why.text
    # areas where nothing applies are one line each (an older person reads no childcare reasons) …
    assert "양육지원" in why.text and "모두 조건에 맞지 않아요" in why.text and "아동수당" in why.text
    assert "부모급여 아이 나이" not in why.text
    # … and every reason is one press away
    (everything,) = await chat.press("하나하나 이유")
    assert "부모급여 아이 나이" in everything.text and "모두 조건에 맞지 않아요" not in everything.text
    assert why.text.count("\n") + 8 < everything.text.count("\n")
    (card,) = await chat.press_data("p:disability_pension")  # a card reads its reasons plainly too
    assert "이번 상담에서" in card.text and "— 기준:" not in card.text and "(필요:" in card.text


async def test_one_document_checklist_and_the_terms_used(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1703)
    await _results(chat, elderly_alone)
    (docs,) = await chat.press("준비물")
    assert docs.text.count("☐ 신분증 ") == 1 and "☐ 통장 사본" in docs.text
    assert "기초연금" in docs.text  # which programme needs what
    (terms,) = await chat.press("어려운 말")
    assert "소득인정액" in terms.text and "기준 중위소득" in terms.text
    (details,) = await chat.press("자세히")
    assert any(data == "p:basic_pension" for _, data in details.flat_buttons())


async def test_the_summary_pdf_is_korean_with_text_that_can_be_read_back(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(1704)
    await _results(chat, elderly_alone)
    shown = await chat.press("PDF")
    sent = [m for m in shown if m.document]
    assert len(sent) == 1 and sent[0].document is not None and sent[0].document.endswith(".pdf")
    content = chat.api.files[sent[0].document]
    assert content.startswith(b"%PDF") and len(content) < 200_000
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    for word in ("복지 제도 안내 요약", "기초연금", "신분증", "129"):
        assert word in text


async def test_a_follow_up_is_sent_once_by_two_processes_and_the_answer_is_recorded(
    chat_factory: Any, elderly_alone: dict[str, Any], services: Any, app_api: Any
) -> None:
    chat: Chat = chat_factory(1705)
    await _results(chat, elderly_alone)
    await chat.press("알림")
    (done,) = await chat.press("물어봐")
    due = today() + dt.timedelta(days=services.settings.follow_up_days)
    assert due.isoformat() in done.text
    app, _ = app_api
    before = len(chat.api.messages(1705))
    sent = await asyncio.gather(*(jobs.deliver_reminders(services, app.bot, due) for _ in range(2)))
    asked = [m for m in chat.api.messages(1705)[before:] if "신청해 보셨나요" in m.text]
    assert sum(sent) == len(asked) == 3  # the three that matter most, each once
    await chat.press_data(
        next(d for label, d in asked[0].flat_buttons() if "받게 됐어요" in label), asked[0].message_id
    )
    with services.db.session() as s:
        user = repo.ensure_user(s, 1705)
        (outcome,) = reminders_repo.outcomes_of_user(s, user.id)
        assert outcome.status == "received" and outcome.consultation_id is not None
    mydata = (await chat.send("/mydata"))[-1].text
    assert "신청 결과 답변 1개" in mydata and "받게 됨" in mydata
    assert "알림 2개" in mydata  # the two not answered yet
    await chat.send("/forget")
    await chat.press("모두 지워")
    with services.db.session() as s:
        assert s.query(Reminder).count() == 0


async def test_a_pension_reminder_asks_the_birth_month(
    chat_factory: Any, elderly_alone: dict[str, Any], services: Any
) -> None:
    chat: Chat = chat_factory(1706)
    await _results(chat, {**elderly_alone, "age": 63})
    await chat.press("알림")
    (ask,) = await chat.press("65세 생일")
    assert "태어난 달" in ask.text
    (done,) = await chat.press("3월")
    due = pension_month(63, 3, today())
    assert due is not None and due.isoformat() in done.text
    with services.db.session() as s:
        (r,) = s.query(Reminder).all()
        assert (r.kind, r.program_id, r.due_on) == (ReminderKind.PENSION, "basic_pension", due)


async def test_a_staff_households_outcome_shows_on_the_household(
    chat_factory: Any, elderly_alone: dict[str, Any], services: Any, app_api: Any
) -> None:
    with services.db.session() as s:
        repo.set_role(s, 1707, Role.STAFF)
    staff: Chat = chat_factory(1707)
    await staff.send("/start")
    await staff.press("상담 기록")
    await staff.press("새 가구")
    await staff.press("이 가구 상담 시작")
    await staff.consult(elderly_alone)
    await staff.press("알림")
    await staff.press("물어봐")
    app, _ = app_api
    due = today() + dt.timedelta(days=services.settings.follow_up_days)
    await jobs.deliver_reminders(services, app.bot, due)
    asked = next(m for m in reversed(staff.api.messages(1707)) if "신청해 보셨나요" in m.text)
    await staff.press_data(
        next(d for label, d in asked.flat_buttons() if "기다려요" in label), asked.message_id
    )
    shown = (await staff.send("/household H-0001"))[-1].text
    assert "신청 결과" in shown and "기다리는 중" in shown
    with services.db.session() as s:
        again = [r for r in s.query(Reminder).all() if r.round == 2]
        assert len(again) == 1  # waiting: asked once more later


async def test_programme_cards_show_provenance_to_staff_only(chat_factory: Any) -> None:
    resident: Chat = chat_factory(1708)
    await resident.send("/start")
    (card,) = await resident.press_data("p:basic_pension")
    assert "기억에 따른" not in card.text and "출처" not in card.text
    assert "변동될 수 있으니" in card.text and "기준 안내" in card.text
    assert any("사람과 상담" in label for label, _ in card.flat_buttons())
    staff: Chat = chat_factory(1)  # an admin: staff mode
    await staff.send("/start")
    (card,) = await staff.press_data("p:basic_pension")
    assert "기억에 따른" in card.text and "출처" in card.text


async def test_a_way_to_a_person_in_help_and_in_the_error_message(chat_factory: Any, services: Any) -> None:
    chat: Chat = chat_factory(1709)
    shown = await chat.send("/help")
    assert "129" in shown[-1].text
    assert any(data == "ns:x:0" for _, data in shown[-1].flat_buttons())  # call-back: the need flow
    (person,) = await chat.press_data("tp:p:basic_pension")
    assert "129" in person.text and any(data == "ns:p:basic_pension" for _, data in person.flat_buttons())
    context = SimpleNamespace(bot_data={"services": services})
    assert "129" in error_text(context, "ko")  # type: ignore[arg-type]
    privacy = (await chat.send("/privacy"))[-1].text
    assert "알림" in privacy and f"{services.settings.reminder_retention_days}일" in privacy
