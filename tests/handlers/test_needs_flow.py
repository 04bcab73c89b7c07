"""Needs from a kitchen table to a closed case, through the real Application."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from app.services import Services
from storage import needs as needs_repo
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat


def _role(services: Services, telegram_id: int, role: Role) -> None:
    with services.db.session() as s:
        repo.set_role(s, telegram_id, role)


def _needs(services: Services) -> list[Any]:
    with services.db.session() as s:
        found, _ = needs_repo.list_needs(s, limit=50, include_anonymised=True)
        for need in found:
            s.expunge(need)
        return found


async def test_need_from_a_visit_is_assigned_followed_up_resolved_counted_and_exported(
    chat_factory: Any, services: Services, elderly_alone: dict[str, Any]
) -> None:
    _role(services, 701, Role.STAFF)
    _role(services, 702, Role.COORDINATOR)
    staff: Chat = chat_factory(701)
    coordinator: Chat = chat_factory(702)
    # the staff member consults for a new household and logs what they heard
    await staff.send("/start")
    await staff.press("상담 기록")
    await staff.press("새 가구")
    await staff.press("이 가구 상담 시작")
    await staff.consult(elderly_alone)
    await staff.press("필요한 도움 기록")
    await staff.press("말벗")
    await staff.press("긴급")
    shown = await staff.send("혼자 지내셔서 말벗이 필요함. 딸 연락처 010-1234-5678")
    assert "기록했어요" in shown[-1].text
    assert any("개인정보" in m.text for m in shown), "the user is told the phone number was masked"
    (need,) = _needs(services)
    assert need.household_id is not None and need.status == "open" and "010-1234-5678" not in need.description
    # urgent: coordinators are told at once
    assert "긴급 필요" in coordinator.last().text
    # the coordinator sees it in /needs, opens it and assigns it to the staff member
    shown = await coordinator.send("/needs unassigned")
    assert f"#{need.id}" in " ".join(label for label, _ in shown[-1].flat_buttons())
    await coordinator.press(f"#{need.id}")
    await coordinator.press("배정")
    with services.db.session() as s:
        staff_user = repo.get_user(s, 701)
        assert staff_user is not None
        staff_id = staff_user.id
    await coordinator.press(f"#{staff_id} ")
    assert "배정된 필요" in staff.last().text, "the assigned staff member is notified"
    # the staff member follows it up and resolves it
    await staff.press(f"#{need.id}")
    await staff.press("처리 중")
    await staff.press("해결")
    (need,) = _needs(services)
    assert need.status == "resolved" and need.closed_at is not None
    with services.db.session() as s:
        kinds = [e.kind for e in needs_repo.need_history(s, need.id)]
    assert kinds == ["created", "assigned", "status", "status"]
    # statistics and export show it
    shown = await coordinator.send("/stats")
    assert any(c.method == "sendPhoto" for c in coordinator.api.calls)
    assert "1" in shown[0].text
    await coordinator.send("/export csv")
    await coordinator.send("월간 보고")
    exported = coordinator.api.files[next(reversed(coordinator.api.files))]
    assert exported.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == 2 and any("H-" in cell for cell in rows[1]) and "말벗" in ",".join(rows[1])
    await coordinator.send("/export xlsx")
    await coordinator.send("구청 제출")
    xlsx = coordinator.api.files[next(reversed(coordinator.api.files))]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None and sheet.auto_filter.ref and sheet.max_row == 2
    with services.db.session() as s:
        actions = [str(a.action) for a in needs_repo.access_log(s, limit=100)]
    assert actions.count("export") == 2 and "view_needs" in actions and "view_stats" in actions


async def test_a_resident_is_asked_for_consent_before_anything_is_saved(
    chat_factory: Any, services: Services
) -> None:
    resident: Chat = chat_factory(703)
    await resident.send("/need")
    await resident.press("주거")
    await resident.press("보통")
    shown = await resident.send("월세가 밀렸어요")
    assert "동의" in shown[-1].text and "/forget" in shown[-1].text
    await resident.press("동의하지 않아요")
    assert _needs(services) == [] and "저장하지 않았어요" in resident.last().text
    await resident.send("/need")
    await resident.press("주거")
    await resident.press("보통")
    await resident.send("월세가 밀렸어요")
    await resident.press("동의해요")
    await resident.press("평일 오전")
    assert "텔레그램 계정은 보이지 않아요" in resident.last().text  # call-back through the bot, asked
    await resident.press("봇으로 연락")
    (need,) = _needs(services)
    assert need.resident_user_id is not None and need.consent_at is not None
    assert need.callback_window == "평일 오전" and need.relay_consent_at is not None
    shown = await resident.send("/mydata")
    assert "월세가 밀렸어요" in shown[-1].text
    await resident.send("/forget")
    await resident.press("모두 지워")
    assert _needs(services) == []


async def test_duplicate_support_is_warned_and_only_a_coordinator_overrides(
    chat_factory: Any, services: Services
) -> None:
    _role(services, 704, Role.STAFF)
    _role(services, 705, Role.COORDINATOR)
    with services.db.session() as s:
        # On the staff member's caseload: staff see only their own households (casework.scope).
        household = repo.create_household(s, "H-0777", None)
        repo.assign_staff(s, household, repo.get_user(s, 704))

    async def log(chat: Chat, text: str) -> list[Any]:
        await chat.send("/need")
        await chat.send("H-0777")
        await chat.press("말벗")
        await chat.press("보통")
        return await chat.send(text)

    staff: Chat = chat_factory(704)
    await log(staff, "안부 전화 필요")
    shown = await log(staff, "말벗 필요 (다시)")
    assert "이미 기록되어" in shown[-1].text
    assert not any("사유" in label for label, _ in shown[-1].flat_buttons()), "staff cannot override"
    await staff.press("메모로 남기기")
    first, *rest = _needs(services)
    assert rest == []
    with services.db.session() as s:
        assert any(e.note == "말벗 필요 (다시)" for e in needs_repo.need_history(s, first.id))
    coordinator: Chat = chat_factory(705)
    await log(coordinator, "다른 기관 연계용 별도 기록")
    await coordinator.press("새로 기록하기")
    await coordinator.send("복지관 연계 건이라 따로 관리")
    assert len(_needs(services)) == 2
    with services.db.session() as s:
        newest = max(_needs(services), key=lambda n: n.id)
        assert newest.duplicate_override_reason == "복지관 연계 건이라 따로 관리"


async def test_reopen_needs_a_note_and_illegal_transitions_are_refused(
    chat_factory: Any, services: Services
) -> None:
    _role(services, 706, Role.COORDINATOR)
    coordinator: Chat = chat_factory(706)
    with services.db.session() as s:
        repo.create_household(s, "H-0100", None)
    await coordinator.send("/need")
    await coordinator.send("H-0100")
    await coordinator.press("안전")
    await coordinator.press("낮음")
    await coordinator.send("현관 조명 고장")
    (need,) = _needs(services)
    await coordinator.press_data(f"nt:{need.id}:resolved")  # open → resolved skips the workflow
    assert (_needs(services)[0]).status == "open"
    await coordinator.press_data(f"nt:{need.id}:closed_unresolved")
    shown = await coordinator.send("연락 두절")
    assert "미해결" in shown[0].text or "종결" in shown[0].text
    await coordinator.press_data(f"nt:{need.id}:open")
    await coordinator.send("다시 연락이 닿음")
    with services.db.session() as s:
        events = needs_repo.need_history(s, need.id)
    assert [e.to_status for e in events if e.to_status] == ["open", "closed_unresolved", "open"]
    assert events[-1].note == "다시 연락이 닿음"


async def test_invitation_link_grants_a_role_once(chat_factory: Any, services: Services) -> None:
    admin: Chat = chat_factory(1)  # ADMIN_IDS in the test settings
    shown = await admin.send("/invite staff")
    link = shown[-1].text.split()[-1]
    token = link.split("start=")[1]
    newcomer: Chat = chat_factory(707)
    shown = await newcomer.send(f"/start {token}")
    assert "staff" in shown[0].text
    assert any("상담 기록" in label for label, _ in shown[-1].flat_buttons())
    other: Chat = chat_factory(708)
    shown = await other.send(f"/start {token}")
    assert "쓸 수 없어요" in shown[0].text
    shown = await admin.send("/staff")
    revoke = next(data for label, data in shown[-1].flat_buttons() if "해제" in label)
    await admin.press_data(revoke)
    with services.db.session() as s:
        user = repo.get_user(s, 707)
        assert user is not None and user.role == Role.RESIDENT


async def test_daily_digest_and_visit_reminder_jobs(
    chat_factory: Any, services: Services, monkeypatch: Any
) -> None:
    from types import SimpleNamespace

    from handlers import jobs

    _role(services, 709, Role.COORDINATOR)
    _role(services, 710, Role.STAFF)
    coordinator: Chat = chat_factory(709)
    with services.db.session() as s:
        staff_user = repo.get_user(s, 710)
        household = repo.create_household(s, "H-0200", None)
        assert staff_user is not None
        repo.assign_staff(s, household, staff_user)
    context = SimpleNamespace(application=coordinator.app, bot=coordinator.app.bot)
    await jobs.daily_digest(context)  # type: ignore[arg-type]
    assert "오늘의 필요 현황" in coordinator.last().text
    monkeypatch.setattr(type(services.settings.casework().visits), "is_reminder_day", lambda self, day: True)
    await jobs.visit_reminders(context)  # type: ignore[arg-type]
    assert "H-0200" in coordinator.api.last(710).text


async def test_a_long_list_says_how_many_at_least(
    chat_factory: Any, services: Services, monkeypatch: Any
) -> None:
    """Past TOTAL_LIMIT matches the list stops counting and says so ("3건 이상"), and still pages on."""
    from casework.model import NeedCategory, Urgency
    from casework.policy import Timeframes
    from services import needs as needs_service

    _role(services, 711, Role.COORDINATOR)
    coordinator: Chat = chat_factory(711)
    with services.db.session() as s:
        author = repo.get_user(s, 711)
        assert author is not None
        for n in range(10):
            household = repo.create_household(s, f"H-03{n:02d}", None)
            needs_repo.log_need(
                s,
                created_by=author,
                category=NeedCategory.COMPANIONSHIP,
                urgency=Urgency.NORMAL,
                description="말벗",
                timeframes=Timeframes(),
                household=household,
            )
    shown = await coordinator.send("/needs")
    assert "· 10건" in shown[-1].text
    monkeypatch.setattr(needs_service, "TOTAL_LIMIT", 3)
    shown = await coordinator.send("/needs")
    assert "· 3건 이상" in shown[-1].text
    assert any("다음" in label for label, _ in shown[-1].flat_buttons())
