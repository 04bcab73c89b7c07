"""Every role of the district network doing its job end to end through the real Application, on
SQLite and PostgreSQL: an admin sets up centres and partners, staff visit and log, the head of the
centre reviews, a coordinator assigns and refers with consent, a partner accepts and records support,
a case meeting decides, a reporter reports, headquarters reads the figures, and a resident is called
back through the bot without their Telegram identity leaving it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.services import Services
from casework.model import EventKind, NeedCategory, NeedStatus, Urgency
from storage import needs as needs_repo
from storage import repo
from storage.models import User
from storage.models_district import Allocation, HouseholdEvent, Referral
from storage.models_needs import Need, Visit
from tests.handlers.harness import Chat

ADMIN, STAFF, HEAD, COORD, HQ, PARTNER, STAFF2, REPORTER, RESIDENT = (
    1,
    2001,
    2002,
    2003,
    2004,
    2005,
    2006,
    2007,
    2008,
)


def _user_id(services: Services, telegram_id: int) -> int:
    with services.db.session() as s:
        user = repo.get_user(s, telegram_id)
        assert user is not None
        return user.id


def _newest_need(services: Services) -> Any:
    with services.db.session() as s:
        need = s.scalars(select(Need).order_by(Need.id.desc()).limit(1)).one()
        s.expunge(need)
        return need


def _events(services: Services, need_id: int) -> list[str]:
    with services.db.session() as s:
        return [str(e.kind) for e in needs_repo.need_history(s, need_id)]


async def _join(admin: Chat, newcomer: Chat, role: str, org: str) -> None:
    shown = await admin.send(f"/invite {role} {org}")
    token = shown[-1].text.split("start=")[1].split()[0]
    shown = await newcomer.send(f"/start {token}")
    assert role in shown[0].text, shown[0].text


async def _set_up(chat_factory: Any) -> dict[int, Chat]:
    chats: dict[int, Chat] = {
        t: chat_factory(t) for t in (ADMIN, STAFF, HEAD, COORD, HQ, PARTNER, STAFF2, REPORTER, RESIDENT)
    }
    admin = chats[ADMIN]
    for line in (
        "/org add centre C1 역삼1동",
        "/org add centre C2 역삼2동",
        "/org add hq HQ 구청 추진본부",
        "/org add partner P1 강남종합사회복지관",
        "/org review C1 on",
    ):
        shown = await admin.send(line)
        assert (
            "C1" in shown[-1].text
            or "C2" in shown[-1].text
            or "HQ" in shown[-1].text
            or "P1" in shown[-1].text
        )
    shown = await admin.send("/org list")
    assert "역삼1동" in shown[-1].text and "강남종합사회복지관" in shown[-1].text
    for telegram_id, role, org in (
        (STAFF, "staff", "C1"),
        (HEAD, "head", "C1"),
        (COORD, "coordinator", "C1"),
        (HQ, "coordinator", "HQ"),
        (PARTNER, "partner", "P1"),
        (STAFF2, "staff", "C2"),
    ):
        await _join(admin, chats[telegram_id], role, org)
    # A centre invites its own reporters.
    shown = await chats[COORD].send("/invite reporter")
    token = shown[-1].text.split("start=")[1].split()[0]
    await chats[REPORTER].send(f"/start {token}")
    assert "/report" in chats[REPORTER].texts() or "reporter" in chats[REPORTER].texts()
    return chats


async def test_every_role_does_its_job(
    chat_factory: Any, services: Services, elderly_alone: dict[str, Any]
) -> None:
    chats = await _set_up(chat_factory)
    staff, head, coord, hq, partner = chats[STAFF], chats[HEAD], chats[COORD], chats[HQ], chats[PARTNER]

    # Staff: a new household of their centre, matched with them; a consultation is not a visit.
    await staff.send("/household")
    await staff.press("새 가구")
    household_text = staff.last().text
    code = household_text.split("가구 ")[1].split("<")[0].strip()
    await staff.press("이 가구 상담 시작")
    await staff.consult(elderly_alone)
    with services.db.session() as s:
        assert s.scalar(select(func.count(Visit.id))) == 0
    shown = await staff.send(f"/visit {code} 안부 확인, 난방 고장")
    assert "방문을 기록" in shown[-1].text
    with services.db.session() as s:
        assert s.scalars(select(Visit.note)).one() == "안부 확인, 난방 고장"

    # Staff log a need; the centre reviews first, and the head is told.
    await staff.press("필요한 도움 기록")
    await staff.press("주거")
    await staff.press("긴급")
    await staff.send("보일러 고장, 난방 안 됨")
    need = _newest_need(services)
    assert need.status == NeedStatus.REVIEW and need.centre_id is not None
    assert f"#{need.id}" in head.last().text and "검토" in head.last().text
    # Staff see what they logged (it used to show 0), and the household screen shows needs and visits.
    shown = await staff.send("/needs")
    assert any(f"#{need.id}" in label for label, _ in shown[-1].flat_buttons())
    shown = await staff.send(f"/household {code}")
    assert f"#{need.id}" in shown[-1].text and "안부 확인" in shown[-1].text

    # Another centre's staff see neither the household nor the need.
    other = chats[STAFF2]
    shown = await other.send(f"/household {code}")
    assert "찾을 수 없거나" in shown[-1].text
    shown = await other.send("/needs")
    assert "0건" in shown[-1].text
    await other.press_data(f"nc:{need.id}")
    assert other.api.calls[-1].method == "answerCallbackQuery"

    # Head of the centre: the review queue, approve.
    shown = await head.send("/review")
    assert any(f"#{need.id}" in label for label, _ in shown[-1].flat_buttons())
    await head.press(f"#{need.id}")
    await head.press("확인 (접수)")
    assert _newest_need(services).status == NeedStatus.OPEN

    # Centre coordinator: assigns to the staff member, who is told.
    shown = await coord.send("/needs unassigned")
    await coord.press(f"#{need.id}")
    await coord.press("배정")
    staff_id = _user_id(services, STAFF)
    await coord.press(f"#{staff_id} ")
    assert "배정된 필요" in staff.last().text
    await staff.press(f"#{need.id}")
    await staff.press("처리 중")

    # Referral with consent: the household agreed (recorded by staff), only the code is shared.
    await coord.press_data(f"nc:{need.id}")
    await coord.press("기관 연계")
    await coord.press("강남종합사회복지관")
    await coord.press("가구 코드만")
    assert "동의를 받았나요" in coord.last().text
    await coord.press("동의를 받았어요")
    assert "연계했어요" in coord.last().text
    incoming = partner.last().text
    assert code in incoming and "보일러" not in incoming, "the partner sees only what consent covers"
    # The partner's queue, accept; the need moves to referred and the coordinator is told.
    shown = await partner.send("/referrals")
    assert code in shown[-1].text
    await partner.press("수락")
    assert _newest_need(services).status == NeedStatus.REFERRED
    assert "수락" in coord.last().text
    # Reports back: progress, then done; each lands on the need and reaches the assignee.
    await partner.send("/referrals")
    await partner.press("경과 회신")
    await partner.send("첫 방문 완료, 보일러 수리 업체 연결 중")
    assert "강남종합사회복지관" in staff.last().text
    await partner.press("완료 회신")
    await partner.send("수리 완료")
    with services.db.session() as s:
        done = s.scalars(select(Referral)).one()
        assert done.status == "completed" and done.report == "수리 완료"
    # The partner cannot open the need's card beyond what was referred.
    shown = await partner.press_data(f"nc:{need.id}")
    assert "보일러" not in " ".join(m.text for m in shown)

    # The shared allocation list: the partner records support, the centre is warned of a duplicate.
    await partner.send(f"/alloc {code}")
    await partner.press("김장김치")
    shown = await partner.send("30,000")
    assert "기록했어요" in shown[-1].text
    await coord.send(f"/alloc {code}")
    await coord.press("김장김치")
    shown = await coord.send("0")
    assert "중복 지원 주의" in shown[-1].text and "강남종합사회복지관" in shown[-1].text
    await coord.press("그래도 기록")
    await coord.send("한파 추가 지원 결정")
    with services.db.session() as s:
        rows = list(s.scalars(select(Allocation).order_by(Allocation.id)))
        assert len(rows) == 2 and rows[1].override_reason == "한파 추가 지원 결정"
    shown = await coord.send("/allocs")
    assert shown[-1].text.count("⚠") == 2
    shown = await partner.send("/alloc H-9999")
    assert "찾을 수 없거나" in shown[-1].text

    # Case meeting: marked, on the agenda (pseudonymous), decided, exported.
    await coord.press_data(f"nc:{need.id}")
    await coord.press("사례회의 상정")
    shown = await coord.send("/meeting")
    assert f"#{need.id} {code}" in shown[-1].text
    await coord.press_data(f"nc:{need.id}")
    await coord.press("회의 결정 기록")
    await coord.send("복지관 김장 지원 후 종결")
    await coord.send("/meeting export")
    agenda = coord.api.files[next(reversed(coord.api.files))].decode("utf-8-sig")
    assert "결정: 복지관 김장 지원 후 종결" in agenda
    kinds = _events(services, need.id)
    for kind in (EventKind.REVIEWED, EventKind.CONSENT, EventKind.REFERRAL, EventKind.MEETING):
        assert kind.value in kinds

    # Reporter: addresses are refused, the report lands in the centre's queue due in a day.
    reporter = chats[REPORTER]
    await reporter.send("/report")
    shown = await reporter.send("역삼로 12 301호")
    assert "주소" in shown[-1].text
    await reporter.send("시장 입구 반지하 끝집")
    await reporter.press("우편물")
    await reporter.press("단전")
    await reporter.press("선택 완료")
    await reporter.press("긴급")
    report = _newest_need(services)
    assert report.reported_by_id == _user_id(services, REPORTER) and report.status == NeedStatus.OPEN
    assert (report.due_at - report.created_at).days == 1 and "우편물" in (report.description or "")
    assert "위기 제보" in coord.last().text
    shown = await reporter.send("/myreports")
    assert f"#{report.id}" in shown[-1].text and "접수" in shown[-1].text
    await coord.press_data(f"na:{report.id}:{staff_id}")
    shown = await reporter.send("/myreports")
    assert "처리 중" in shown[-1].text and "시장" not in shown[-1].text

    # Headquarters: the district's figures with follow-up per official; staff get none.
    shown = await hq.send("/stats")
    assert any(c.method == "sendPhoto" for c in hq.api.calls)
    assert "담당자별 후속 조치" in hq.texts()
    shown = await staff.send("/stats")
    assert "센터장·팀장·조정 담당만" in shown[-1].text  # who may, by name
    shown = await hq.send("/needs")
    assert any(f"#{report.id}" in label for label, _ in shown[-1].flat_buttons())

    # The official moves to another centre: the matched household stays with them.
    shown = await chats[ADMIN].send(f"/move {staff_id} C2")
    assert "C2" in shown[-1].text
    shown = await staff.send(f"/household {code}")
    assert f"#{need.id}" in shown[-1].text
    # ... until the head hands it over, with the history kept.
    staff2_id = _user_id(services, STAFF2)
    shown = await head.send(f"/handover {code} {staff2_id} 전보에 따른 인계")
    assert "넘겼어요" in shown[-1].text
    shown = await other.send(f"/household {code}")
    assert f"#{need.id}" in shown[-1].text
    with services.db.session() as s:
        moved = s.scalars(select(HouseholdEvent)).one()
        assert (moved.from_staff_id, moved.to_staff_id) == (staff_id, staff2_id)
        assert s.scalar(select(func.count(Referral.id))) == 1


async def test_call_back_through_the_bot_keeps_the_resident_hidden(
    chat_factory: Any, services: Services
) -> None:
    chats = await _set_up(chat_factory)
    resident, hq, staff = chats[RESIDENT], chats[HQ], chats[STAFF]
    await resident.send("/need")
    await resident.press("주거")
    await resident.press("보통")
    await resident.send("월세가 밀렸어요")
    await resident.press("동의해요")
    await resident.press("평일 오전")
    await resident.press("봇으로 연락")
    need = _newest_need(services)
    staff_id = _user_id(services, STAFF)
    await hq.press_data(f"na:{need.id}:{staff_id}")
    # Only the assignee may write; the coordinator gets no such button.
    shown = await hq.press_data(f"nc:{need.id}")
    assert not any("메시지" in label for label, _ in shown[-1].flat_buttons())
    shown = await staff.press_data(f"nc:{need.id}")
    assert str(RESIDENT) not in shown[-1].text
    await staff.press("주민에게 메시지")
    await staff.send("내일 오전 10시에 센터에서 뵐 수 있을까요? 제 번호는 010-1234-5678")
    relayed = resident.last()
    assert "내일 오전 10시" in relayed.text and "010-1234-5678" not in relayed.text
    assert str(STAFF) not in relayed.text
    await resident.press("답장하기")
    await resident.send("네, 10시에 갈게요")
    assert "네, 10시에 갈게요" in staff.last().text and str(RESIDENT) not in staff.last().text
    assert _events(services, need.id)[-2:] == ["message_out", "message_in"]
    # Closed: no more messages either way.
    await staff.press_data(f"nt:{need.id}:in_progress")
    await staff.press_data(f"nt:{need.id}:resolved")
    await resident.press("답장하기")
    shown = await resident.send("하나 더요")
    assert "종결" in shown[-1].text


async def test_bugs_of_the_flat_office_stay_fixed(chat_factory: Any, services: Services) -> None:
    chats = await _set_up(chat_factory)
    coord, resident, staff = chats[HQ], chats[RESIDENT], chats[STAFF]
    # Assigning a resolved need is refused politely, not an error in the log and an apology.
    with services.db.session() as s:
        staff_user = repo.get_user(s, STAFF)
        assert staff_user is not None
        household = repo.create_household(s, "H-0500", staff_user)
        logged = needs_repo.log_need(
            s,
            created_by=staff_user,
            category=NeedCategory.OTHER,
            urgency=Urgency.LOW,
            description="x",
            household=household,
            timeframes=services.settings.casework().timeframes,
        )
        assert logged.need is not None
        needs_repo.assign(s, logged.need, staff_user, staff_user)
        needs_repo.change_status(s, logged.need, NeedStatus.IN_PROGRESS, staff_user)
        needs_repo.change_status(s, logged.need, NeedStatus.RESOLVED, staff_user)
        resolved_id, staff_id = logged.need.id, staff_user.id
    shown = await coord.press_data(f"na:{resolved_id}:{staff_id}")
    assert "바꿀 수 없어요: 해결 → 배정" in shown[-1].text
    assert "문제가 생겼어요" not in coord.texts()
    # Need numbers are never handed out twice, even after /forget removed the newest.
    await resident.send("/need")
    await resident.press("기타")
    await resident.press("낮음")
    await resident.send("문의")
    await resident.press("동의해요")
    await resident.press("전화는 필요 없어요")
    await resident.press("아니요")
    first = _newest_need(services).id
    await resident.send("/forget")
    await resident.press("모두 지워")
    await resident.send("/need")
    await resident.press("기타")
    await resident.press("낮음")
    await resident.send("다시 문의")
    await resident.press("동의해요")
    await resident.press("전화는 필요 없어요")
    await resident.press("아니요")
    assert _newest_need(services).id > first
    del staff


async def test_scheduled_work_runs_once_per_day_across_processes(
    chat_factory: Any, services: Services
) -> None:
    from types import SimpleNamespace

    from app.local_api import LocalBotAPI
    from handlers import jobs
    from tests.handlers.harness import make_app

    chats = await _set_up(chat_factory)
    coord = chats[COORD]
    with services.db.session() as s:
        staff_user = repo.get_user(s, STAFF)
        assert staff_user is not None
        household = repo.create_household(s, "H-0600", staff_user)
        household.centre_id = s.scalar(select(User.organisation_id).where(User.id == staff_user.id))
        for n in range(12):
            needs_repo.log_need(
                s,
                created_by=staff_user,
                category=NeedCategory.OTHER,
                urgency=Urgency.URGENT,
                description=f"n{n}",
                household=household,
                timeframes=services.settings.casework().timeframes,
                programs=[f"p{n}"],
                centre_id=household.centre_id,
            )
    # A second process: its own Application and Bot API, the same database.
    second_app, second_api = make_app(services, LocalBotAPI())
    async with second_app:
        for app in (coord.app, second_app):
            await jobs.daily_digest(SimpleNamespace(application=app, bot=app.bot))  # type: ignore[arg-type]
    digests = [m for m in coord.api.messages(COORD) if "오늘의 필요 현황" in m.text]
    digests += [m for m in second_api.messages(COORD) if "오늘의 필요 현황" in m.text]
    assert len(digests) == 1, "one digest, however many processes"
    # Counts and the five most urgent, not every need in one message.
    assert "새 기록 12건" in digests[0].text and digests[0].text.count("• #") == 5
