"""Issue 15, item 2: nothing typed is stored unmasked, drafts expire, /forget and retention cover
drafts, self-checks, household consultations and visits, anonymisation leaves no link to the person,
and no typed text reaches a log. Each test failed before the fix."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import func, select, text

from app.services import Services
from casework.model import NeedStatus
from handlers import jobs
from storage import needs as needs_repo
from storage import repo
from storage.models import Consultation, Role
from storage.models_drafts import ChatDraft
from storage.models_needs import Need, NeedEvent, Visit
from tests.handlers.harness import Chat


def _drafts(services: Services) -> list[dict[str, Any]]:
    with services.db.session() as s:
        return [dict(d.data) for d in s.scalars(select(ChatDraft))]


async def _describe(chat: Chat, words: str) -> None:
    await chat.send("/need")
    await chat.press("기타")
    await chat.press("보통")
    await chat.send(words)


async def test_a_description_waiting_for_consent_is_kept_masked_and_forget_removes_it(
    chat_factory: Any, services: Services
) -> None:
    """An RRN typed into a draft sat there unmasked before consent, and stayed after /forget."""
    resident: Chat = chat_factory(1801)
    await _describe(resident, "주민번호 900101-1234567, 계좌 110-123-456789, hong@example.com")
    (draft,) = _drafts(services)
    assert "1234567" not in str(draft) and "456789" not in str(draft) and "hong@" not in str(draft)
    assert draft["description"] == "주민번호 [주민등록번호], 계좌 [계좌번호], [이메일]"
    await resident.send("/forget")
    await resident.press("모두 지워")
    assert _drafts(services) == []


async def test_a_resident_number_split_over_two_messages_is_masked(
    chat_factory: Any, services: Services
) -> None:
    with services.db.session() as s:
        repo.set_role(s, 1802, Role.COORDINATOR)
        repo.create_household(s, "H-0001", None)
    chat: Chat = chat_factory(1802)
    await chat.send("/need")
    await chat.send("H-0001")
    await chat.press("기타")
    await chat.press("보통")
    await chat.send("어르신 생년월일 400101")
    with services.db.session() as s:
        (need,), _ = needs_repo.list_needs(s)
    await chat.press_data(f"nn:{need.id}")
    await chat.send("1234567 이 뒷자리예요")
    with services.db.session() as s:
        notes = [e.note for e in needs_repo.need_history(s, need.id) if e.note]
    assert notes == ["[주민등록번호] 이 뒷자리예요"]


async def test_drafts_expire(chat_factory: Any, services: Services) -> None:
    resident: Chat = chat_factory(1803)
    await _describe(resident, "도움이 필요해요")
    with services.db.engine.begin() as connection:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=services.settings.draft_ttl_hours, minutes=1)
        connection.execute(
            text("UPDATE chat_drafts SET updated_at = :old"),
            {"old": old.replace(tzinfo=None) if connection.dialect.name == "sqlite" else old},
        )
    shown = await resident.press("동의해요")
    assert resident.api.calls[-1].method == "answerCallbackQuery"
    assert "진행 중인 기록이 없어요" in str(resident.api.calls[-1].params.get("text"))
    assert _drafts(services) == [] and not shown


async def test_retention_covers_self_checks_household_consultations_visits_and_drafts(
    chat_factory: Any, services: Services, elderly_alone: dict[str, Any]
) -> None:
    """Self-check answers, household consultations and visits never expired."""
    with services.db.session() as s:
        repo.set_role(s, 1804, Role.STAFF)
    resident: Chat = chat_factory(1805)
    await resident.send("/start")
    await resident.press("자가진단")
    await resident.press("전체")
    await resident.consult(elderly_alone)
    staff: Chat = chat_factory(1804)
    await staff.send("/start")
    await staff.press("상담 기록")
    await staff.press("새 가구")
    await staff.press("이 가구 상담 시작")
    await staff.consult(elderly_alone)
    await staff.send("/visit H-0001 안부 확인")  # a consultation is not a visit: it is recorded apart
    await _describe(chat_factory(1806), "쓰다 만 요청")
    r = services.settings.retention()
    with services.db.engine.begin() as connection:

        def age(table: str, column: str, days: float, where: str) -> None:
            moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
            value = moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment
            connection.execute(text(f"UPDATE {table} SET {column} = :m WHERE {where}"), {"m": value})

        age("consultations", "updated_at", r.self_check_days + 1, "household_id IS NULL")
        age("consultations", "updated_at", r.household_consultation_days - 1, "household_id IS NOT NULL")
        age("visits", "visited_at", r.visit_days + 1, "1 = 1")
        age("chat_drafts", "updated_at", r.draft_hours / 24 + 0.01, "1 = 1")
    jobs.run_retention(services)
    with services.db.session() as s:
        left = list(s.scalars(select(Consultation)))
        assert [c.household_id is not None for c in left] == [True]  # household ones last longer
        (visit,) = s.scalars(select(Visit))
        assert visit.household_id is None and visit.note is None  # it still counts
        assert s.scalar(select(func.count()).select_from(ChatDraft)) == 0
    with services.db.engine.begin() as connection:
        age("consultations", "updated_at", r.household_consultation_days + 1, "1 = 1")
    jobs.run_retention(services)
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Consultation)) == 0
        assert len(needs_repo.visits_rows(s)) == 1


async def test_after_anonymisation_nothing_points_at_the_resident(
    chat_factory: Any, services: Services
) -> None:
    resident: Chat = chat_factory(1807)
    await _describe(resident, "도시락 배달")
    await resident.press("동의해요")
    await resident.press("전화는 필요 없어요")
    await resident.press("아니요")  # no contact through the bot either
    with services.db.session() as s:
        user = repo.get_user(s, 1807)
        assert user is not None
        (need,), _ = needs_repo.list_needs(s)
        coordinator = repo.set_role(s, 1808, Role.COORDINATOR)
        needs_repo.change_status(s, need, NeedStatus.CLOSED_UNRESOLVED, coordinator, "연락 두절")
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=services.settings.retention_days + 1)
        assert needs_repo.anonymise_closed(s, services.settings.retention_days, now=later) == 1
        uid = user.id
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Need).where(Need.created_by_id == uid)) == 0
        assert s.scalar(select(func.count()).select_from(Need).where(Need.resident_user_id == uid)) == 0
        assert s.scalar(select(func.count()).select_from(NeedEvent).where(NeedEvent.actor_id == uid)) == 0
        assert len(needs_repo.stats_rows(s)) == 1  # still counted


async def test_privacy_text_states_every_retention_period(chat_factory: Any, services: Services) -> None:
    services.settings.self_check_retention_days = 45
    services.settings.draft_ttl_hours = 6
    shown = await chat_factory(1809).send("/privacy")
    body = shown[-1].text
    for figure in ("45일", "6시간", f"{services.settings.retention_days}일", "/forget"):
        assert figure in body


async def test_no_typed_text_reaches_a_log_at_debug_level(
    chat_factory: Any, services: Services, caplog: Any, elderly_alone: dict[str, Any]
) -> None:
    """At DEBUG every raw message was logged (python-telegram-bot, httpx, SQL parameters)."""
    from app import logs

    root = logging.getLogger()
    level = root.level
    logs.configure("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        chat: Chat = chat_factory(1810)
        await chat.send("/start")
        await chat.send("비밀스러운검색어")
        await chat.press("자가진단")
        await chat.press("전체")
        await chat.send("78")
        await _describe(chat, "비밀스러운요청 010-1234-5678")
    finally:
        root.setLevel(level)
    everything = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "비밀스러운" not in everything and "5678" not in everything
