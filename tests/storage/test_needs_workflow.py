from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casework.model import EventKind, NeedCategory, NeedStatus, Urgency
from casework.workflow import IllegalTransition
from storage import needs
from storage.db import Database
from storage.models import Role, User
from storage.models_needs import Need, NeedEvent
from tests.storage.test_needs_helpers import NOW, TIMEFRAMES, People, days, log, seed_people

S = NeedStatus


def _event_tuples(s: Session, need_id: int) -> list[tuple[Any, ...]]:
    return [
        (e.kind, e.actor_id, e.at, e.from_status, e.to_status, e.assignee_id, e.note)
        for e in needs.need_history(s, need_id)
    ]


def test_logging_stores_an_open_need_with_due_date_and_created_event(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(
            s,
            p,
            category=NeedCategory.INCOME,
            urgency=Urgency.URGENT,
            programs=["emergency_welfare", "livelihood_benefit", "emergency_welfare"],
        )
        need_id, staff_id, h1_id = need.id, p.staff.id, p.h1.id
    with db.session() as s:
        stored = needs.get_need(s, need_id)
        assert stored is not None
        assert stored.status == S.OPEN and stored.household_id == h1_id and stored.resident_user_id is None
        assert stored.programs == [
            "emergency_welfare",
            "livelihood_benefit",
        ]  # duplicates dropped, order kept
        assert stored.created_at == NOW and stored.due_at == NOW + days(1)  # urgent: one day
        assert stored.assignee_id is None and stored.closed_at is None
        assert _event_tuples(s, need_id) == [(EventKind.CREATED, staff_id, NOW, None, S.OPEN, None, None)]


@pytest.mark.parametrize(("urgency", "n"), [(Urgency.URGENT, 1), (Urgency.NORMAL, 7), (Urgency.LOW, 14)])
def test_due_dates_follow_the_timeframes(db: Database, urgency: Urgency, n: int) -> None:
    with db.session() as s:
        p = seed_people(s)
        assert log(s, p, urgency=urgency).due_at == NOW + days(n)
        override = TIMEFRAMES.model_copy(update={"overrides": {NeedCategory.SAFETY: {urgency: 2}}})
        safety = log(s, p, category=NeedCategory.SAFETY, urgency=urgency, timeframes=override, household=p.h2)
        assert safety.due_at == NOW + days(2)


def test_a_need_is_about_a_household_or_a_resident(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        with pytest.raises(ValueError, match="exactly one"):
            log(s, p, household=None)
        with pytest.raises(ValueError, match="exactly one"):
            log(s, p, resident=p.resident, consent_at=NOW)
        with pytest.raises(ValueError, match="programme id"):
            log(s, p, programs=["Housing Benefit"])
        for bad in ("", "   ", "가" * 1001):
            with pytest.raises(ValueError, match="description"):
                log(s, p, description=bad)
        assert s.scalar(select(func.count(Need.id))) == 0


def test_a_residents_need_requires_consent(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        with pytest.raises(needs.ConsentRequired):
            log(s, p, created_by=p.resident, household=None, resident=p.resident)
        assert s.scalar(select(func.count(Need.id))) == 0
        need = log(
            s,
            p,
            created_by=p.resident,
            household=None,
            resident=p.resident,
            consent_at=NOW,
            callback_window=" 평일 오전 ",
        )
        assert need.consent_at == NOW and need.resident_user_id == p.resident.id
        assert need.callback_requested is True and need.callback_window == "평일 오전"
        assert log(s, p, household=p.h2).callback_requested is False


def test_personal_numbers_are_masked_before_they_are_stored(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        logged = needs.log_need(
            s,
            created_by=p.staff,
            category=NeedCategory.COMPANIONSHIP,
            urgency=Urgency.NORMAL,
            description="딸 연락처 010-1234-5678, 주민번호 900101-1234567 확인함",
            household=p.h1,
            timeframes=TIMEFRAMES,
            now=NOW,
        )
        assert logged.need is not None and logged.masked and logged.found == ("rrn", "phone")
        clean = log(s, p, household=p.h2, description="쌀 지원 필요")
        needs.add_note(s, clean, p.staff, "아들 번호 010 9876 5432 로 연락", now=NOW)
        need_id = logged.need.id
    with db.engine.connect() as connection:
        # Read the columns raw, past the ORM: this is what a database dump would show.
        stored = connection.execute(
            text("SELECT description FROM needs WHERE id = :i"), {"i": need_id}
        ).scalar()
        notes = (
            connection.execute(text("SELECT note FROM need_events WHERE note IS NOT NULL")).scalars().all()
        )
    assert stored == "딸 연락처 [전화번호], 주민번호 [주민등록번호] 확인함"
    assert notes == ["아들 번호 [전화번호] 로 연락"]
    assert not any(digit in stored + notes[0] for digit in "0123456789")


def test_a_full_walk_records_every_change(db: Database) -> None:
    t = [NOW + days(i) for i in range(6)]
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        assert needs.assign(s, need, p.staff, p.coordinator, note="방문 때 확인", now=t[1]) is not None
        needs.change_status(s, need, S.IN_PROGRESS, p.staff, now=t[2])
        needs.change_status(s, need, S.RESOLVED, p.staff, "주거급여 신청 완료", now=t[3])
        assert need.closed_at == t[3] and need.close_reason == "주거급여 신청 완료"
        needs.change_status(s, need, S.OPEN, p.coordinator, "신청 반려됨", now=t[4])
        need_id = need.id
        ids = p.staff.id, p.coordinator.id
    staff, coord = ids
    with db.session() as s:
        stored = needs.get_need(s, need_id)
        assert stored is not None
        assert stored.status == S.OPEN
        assert stored.closed_at is None and stored.close_reason is None
        assert stored.assignee_id is None  # a reopened need goes back to the coordinators' queue
        assert stored.due_at == t[4] + days(7)  # as far ahead as the original due date was
        assert _event_tuples(s, need_id) == [
            (EventKind.CREATED, staff, NOW, None, S.OPEN, None, None),
            (EventKind.ASSIGNED, coord, t[1], S.OPEN, S.ASSIGNED, staff, "방문 때 확인"),
            (EventKind.STATUS, staff, t[2], S.ASSIGNED, S.IN_PROGRESS, None, None),
            (EventKind.STATUS, staff, t[3], S.IN_PROGRESS, S.RESOLVED, None, "주거급여 신청 완료"),
            (EventKind.REOPENED, coord, t[4], S.RESOLVED, S.OPEN, None, "신청 반려됨"),
        ]


def test_referral_can_end_resolved_or_unresolved(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        needs.assign(s, need, p.staff, p.coordinator, now=NOW)
        needs.change_status(s, need, S.IN_PROGRESS, p.staff, now=NOW)
        needs.change_status(s, need, S.REFERRED, p.staff, "정신건강복지센터 연계", now=NOW + days(1))
        assert need.closed_at == NOW + days(1)
        needs.change_status(s, need, S.CLOSED_UNRESOLVED, p.staff, "본인 거부", now=NOW + days(2))
        assert need.closed_at == NOW + days(2) and need.close_reason == "본인 거부"


@pytest.mark.parametrize(
    ("path", "to", "note", "reason"),
    [
        ([], S.RESOLVED, None, "not_allowed"),
        ([], S.IN_PROGRESS, None, "not_allowed"),
        ([], S.OPEN, "x", "same_status"),
        ([], S.CLOSED_UNRESOLVED, None, "note_required"),
        ([S.IN_PROGRESS], S.OPEN, "x", "not_allowed"),
        ([S.IN_PROGRESS, S.RESOLVED], S.OPEN, "  ", "note_required"),
        ([S.IN_PROGRESS, S.RESOLVED], S.CLOSED_UNRESOLVED, "x", "not_allowed"),
    ],
)
def test_illegal_transitions_are_refused_and_leave_no_trace(
    db: Database, path: list[NeedStatus], to: NeedStatus, note: str | None, reason: str
) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        if path:
            needs.assign(s, need, p.staff, p.coordinator, now=NOW)
        for step in path:
            needs.change_status(s, need, step, p.staff, now=NOW)
        before_status, before_events = need.status, len(needs.need_history(s, need.id))
        with pytest.raises(IllegalTransition) as caught:
            needs.change_status(s, need, to, p.coordinator, note, now=NOW + days(1))
        assert caught.value.reason == reason
        assert need.status == before_status and need.updated_at != NOW + days(1)
        assert len(needs.need_history(s, need.id)) == before_events


def test_assigning_rules(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        with pytest.raises(ValueError, match="use assign"):
            needs.change_status(s, need, S.ASSIGNED, p.coordinator)
        with pytest.raises(ValueError, match="not active staff"):
            needs.assign(s, need, p.resident, p.coordinator, now=NOW)
        needs.assign(s, need, p.staff, p.coordinator, now=NOW)
        assert needs.assign(s, need, p.staff, p.coordinator, now=NOW) is None  # no change, no event
        needs.change_status(s, need, S.IN_PROGRESS, p.staff, now=NOW)
        event = needs.assign(s, need, p.staff2, p.coordinator, "휴가", now=NOW + days(1))
        assert event is not None
        assert (event.from_status, event.to_status, event.assignee_id) == (
            S.IN_PROGRESS,
            S.IN_PROGRESS,
            p.staff2.id,
        )
        assert need.status == S.IN_PROGRESS and need.assignee_id == p.staff2.id
        needs.change_status(s, need, S.RESOLVED, p.staff2, now=NOW + days(2))
        with pytest.raises(IllegalTransition):
            needs.assign(s, need, p.staff, p.coordinator, now=NOW + days(3))
        kinds = [e.kind for e in needs.need_history(s, need.id)]
        assert kinds == [
            EventKind.CREATED,
            EventKind.ASSIGNED,
            EventKind.STATUS,
            EventKind.ASSIGNED,
            EventKind.STATUS,
        ]


def test_notes_are_events_and_must_say_something(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        event = needs.add_note(s, need, p.staff, " 다음 주 재방문 ", now=NOW + days(1))
        assert (event.kind, event.note, event.actor_id, event.from_status) == (
            EventKind.NOTE, "다음 주 재방문", p.staff.id, None,
        )  # fmt: skip
        with pytest.raises(ValueError):
            needs.add_note(s, need, p.staff, "  ")


def test_concurrent_edits_of_one_need_are_detected(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need_id = log(s, p).id
        staff_id, coord_id = p.staff.id, p.coordinator.id
    with db.session() as first:
        a = first.get(Need, need_id)
        assert a is not None
        with pytest.raises(StaleDataError), db.session() as second:
            b = second.get(Need, need_id)
            assert b is not None
            needs.add_note(first, a, first.get(User, coord_id), "먼저", now=NOW + days(1))
            first.commit()
            needs.add_note(second, b, second.get(User, staff_id), "나중", now=NOW + days(2))
    with db.session() as s:
        assert [e.note for e in needs.need_history(s, need_id)] == [None, "먼저"]


# --- duplicate support -------------------------------------------------------------------------------


def _status(need: Need) -> NeedStatus:
    # A call, so mypy does not keep an earlier narrowing of need.status across the change.
    return need.status


def _count(s: Session) -> int:
    return s.scalar(select(func.count(Need.id))) or 0


def test_an_open_need_for_the_same_programme_blocks_a_second(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        first = log(s, p, programs=["housing_benefit"])
        blocked = needs.log_need(
            s,
            created_by=p.staff,
            category=NeedCategory.HOUSING,
            urgency=Urgency.URGENT,
            description="주거급여 문의 010-1111-2222",
            programs=["youth_rent_support", "housing_benefit"],
            household=p.h1,
            timeframes=TIMEFRAMES,
            now=NOW,
        )
        assert blocked.blocked and blocked.need is None
        assert [d.id for d in blocked.duplicates] == [first.id]
        assert blocked.masked  # the warning still tells the user what would be masked
        assert _count(s) == 1
        # Not duplicates: another programme, another household.
        log(s, p, programs=["youth_rent_support"])
        log(s, p, programs=["housing_benefit"], household=p.h2)
        assert _count(s) == 3


@pytest.mark.parametrize(
    ("status", "closed_days_ago", "duplicate"),
    [
        (S.RESOLVED, 10, True),
        (S.REFERRED, 29, True),
        (S.RESOLVED, 31, False),
        (S.CLOSED_UNRESOLVED, 1, False),  # the household got nothing: asking again is no duplicate
    ],
)
def test_recent_support_counts_within_the_window(
    db: Database, status: NeedStatus, closed_days_ago: int, duplicate: bool
) -> None:
    closed = NOW - days(closed_days_ago)
    with db.session() as s:
        p = seed_people(s)
        earlier = log(s, p, programs=["energy_voucher"], now=closed - days(3))
        needs.assign(s, earlier, p.staff, p.coordinator, now=closed - days(2))
        needs.change_status(s, earlier, S.IN_PROGRESS, p.staff, now=closed - days(1))
        needs.change_status(s, earlier, status, p.staff, "종결", now=closed)
        again = needs.log_need(
            s,
            created_by=p.staff,
            category=NeedCategory.DAILY_LIFE,
            urgency=Urgency.LOW,
            description="에너지바우처",
            programs=["energy_voucher"],
            household=p.h1,
            timeframes=TIMEFRAMES,
            duplicate_window_days=30,
            now=NOW,
        )
        assert again.blocked is duplicate


def test_needs_without_programmes_match_by_category(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        log(s, p, category=NeedCategory.COMPANIONSHIP)
        again = needs.log_need(
            s,
            created_by=p.staff,
            category=NeedCategory.COMPANIONSHIP,
            urgency=Urgency.NORMAL,
            description="말벗",
            household=p.h1,
            timeframes=TIMEFRAMES,
            now=NOW,
        )
        assert again.blocked
        log(s, p, category=NeedCategory.SAFETY)
        log(s, p, category=NeedCategory.COMPANIONSHIP, programs=["companionship_checkin"])


def _duplicate(s: Session, p: People, **kw: Any) -> needs.NeedLogged:
    return needs.log_need(
        s,
        created_by=p.staff,
        category=NeedCategory.HOUSING,
        urgency=Urgency.NORMAL,
        description="주거급여 다시",
        programs=["housing_benefit"],
        household=p.h1,
        timeframes=TIMEFRAMES,
        now=NOW,
        **kw,
    )


def test_a_coordinator_may_override_with_a_recorded_reason(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        first = log(s, p, programs=["housing_benefit"])
        logged = _duplicate(s, p, override_by=p.coordinator, override_reason="  임대료 인상으로 재신청 ")
        assert logged.need is not None and [d.id for d in logged.duplicates] == [first.id]
        assert logged.need.duplicate_override_reason == "임대료 인상으로 재신청"
        events = _event_tuples(s, logged.need.id)
        note = f"임대료 인상으로 재신청 (#{first.id})"
        assert events[1] == (EventKind.DUPLICATE_OVERRIDE, p.coordinator.id, NOW, None, None, None, note)
        assert _count(s) == 2


def test_staff_cannot_override_and_nothing_is_stored(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        log(s, p, programs=["housing_benefit"])
        with pytest.raises(PermissionError):
            _duplicate(s, p, override_by=p.staff, override_reason="급함")
        with pytest.raises(PermissionError):
            _duplicate(s, p, override_by=p.resident, override_reason="급함")
        with pytest.raises(ValueError, match="override_by"):
            _duplicate(s, p, override_reason="급함")
        with pytest.raises(ValueError, match="override_reason"):
            _duplicate(s, p, override_by=p.coordinator, override_reason=" ")
        assert _count(s) == 1
        # An ADMIN_IDS admin has no admin role in the database; the handler passes the effective role.
        assert _duplicate(
            s, p, override_by=p.resident, override_reason="관리자 승인", override_role=Role.ADMIN
        ).need


def test_a_referral_is_checked_against_recent_support(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        earlier = log(s, p, programs=["housing_benefit"], now=NOW - days(20))
        needs.assign(s, earlier, p.staff, p.coordinator, now=NOW - days(20))
        needs.change_status(s, earlier, S.IN_PROGRESS, p.staff, now=NOW - days(19))
        needs.change_status(s, earlier, S.REFERRED, p.staff, now=NOW - days(18))
        later = log(s, p, programs=["housing_benefit"], override_by=p.coordinator, override_reason="재신청")
        needs.assign(s, later, p.staff, p.coordinator, now=NOW)
        needs.change_status(s, later, S.IN_PROGRESS, p.staff, now=NOW)
        with pytest.raises(needs.DuplicateSupport) as caught:
            needs.change_status(s, later, S.REFERRED, p.staff, now=NOW, duplicate_window_days=30)
        assert [d.id for d in caught.value.duplicates] == [earlier.id]
        assert later.status == S.IN_PROGRESS
        with pytest.raises(PermissionError):
            needs.change_status(
                s, later, S.REFERRED, p.staff, now=NOW, duplicate_window_days=30, override_reason="급함"
            )
        needs.change_status(
            s,
            later,
            S.REFERRED,
            p.coordinator,
            now=NOW,
            duplicate_window_days=30,
            override_reason="다른 기관",
        )
        assert _status(later) == S.REFERRED and later.duplicate_override_reason == "다른 기관"
        assert [e.kind for e in needs.need_history(s, later.id)][-2:] == [
            EventKind.DUPLICATE_OVERRIDE, EventKind.STATUS,
        ]  # fmt: skip
        # Without the window the check is not made (the caller decides).
        third = log(s, p, household=p.h2, programs=["housing_benefit"])
        needs.assign(s, third, p.staff, p.coordinator, now=NOW)
        needs.change_status(s, third, S.IN_PROGRESS, p.staff, now=NOW)
        needs.change_status(s, third, S.REFERRED, p.staff, now=NOW)


def test_events_are_deleted_with_their_need_only(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        keep, drop = log(s, p), log(s, p, household=p.h2)
        s.delete(drop)
        s.flush()
        assert {e.need_id for e in s.scalars(select(NeedEvent))} == {keep.id}


def test_a_need_card_renders_after_the_session_closed(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        need = log(s, p)
        needs.add_note(s, need, p.staff, "메모", now=NOW)
        s.commit()
        s.expire_all()
        s.scalars(select(Need)).all()  # loaded once without its events
        card = needs.get_need(s, need.id)
    assert card is not None and card.household is not None
    assert card.household.code == "H-0001" and [e.kind for e in card.events] == [
        EventKind.CREATED,
        EventKind.NOTE,
    ]
