from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.model import AccessAction, EventKind, NeedCategory, NeedStatus
from storage import needs, repo, steps
from storage.db import Database
from storage.models import Channel, Consultation, ConsultationResult, Household, QuestionLog, User
from storage.models_needs import AccessLog, Need, NeedEvent
from tests.storage.test_needs_helpers import NOW, People, days, log, seed_people

S = NeedStatus


def _close(s: Session, p: People, need: Need, status: NeedStatus, when: dt.datetime) -> Need:
    needs.assign(s, need, p.staff, p.coordinator, now=when - days(2))
    needs.change_status(s, need, S.IN_PROGRESS, p.staff, now=when - days(1))
    needs.change_status(s, need, status, p.staff, "종결 메모 010-2222-3333", now=when)
    return need


def test_retention_anonymises_exactly_the_needs_closed_long_enough(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        old = NOW - days(600)
        gone = {
            "resolved_400": _close(s, p, log(s, p, now=old), S.RESOLVED, NOW - days(400)),
            "unresolved_366": _close(
                s, p, log(s, p, household=p.h2, now=old), S.CLOSED_UNRESOLVED, NOW - days(366)
            ),
            "referred_366": _close(s, p, log(s, p, household=p.h3, now=old), S.REFERRED, NOW - days(366)),
            "resident_400": _close(
                s,
                p,
                log(
                    s,
                    p,
                    created_by=p.resident,
                    household=None,
                    resident=p.resident,
                    consent_at=old,
                    callback_window="평일 오전",
                    now=old,
                ),
                S.RESOLVED,
                NOW - days(400),
            ),
        }
        kept = {
            "resolved_300": _close(
                s, p, log(s, p, category=NeedCategory.INCOME, now=old), S.RESOLVED, NOW - days(300)
            ),
            "open_600": log(s, p, category=NeedCategory.SAFETY, now=old),
            "in_progress_600": log(s, p, category=NeedCategory.HEALTH, now=old),
        }
        needs.assign(s, kept["in_progress_600"], p.staff, p.coordinator, now=old)
        needs.change_status(s, kept["in_progress_600"], S.IN_PROGRESS, p.staff, now=old)
        reopened = _close(
            s, p, log(s, p, category=NeedCategory.EDUCATION, now=old), S.RESOLVED, NOW - days(400)
        )
        needs.change_status(s, reopened, S.OPEN, p.coordinator, "다시 요청", now=NOW - days(10))
        kept["reopened"] = reopened
        gone_ids = {n.id for n in gone.values()}
        kept_ids = {n.id for n in kept.values()}
        before = {
            n.id: (n.category, n.urgency, n.status, n.programs, n.created_at, n.closed_at)
            for n in gone.values()
        }

        assert needs.anonymise_closed(s, 365, now=NOW) == 4
        assert needs.anonymise_closed(s, 365, now=NOW) == 0  # idempotent

    with db.session() as s:
        for need_id in gone_ids:
            need = needs.get_need(s, need_id)
            assert need is not None
            assert need.anonymised_at == NOW
            assert (need.description, need.callback_window, need.household_id, need.resident_user_id) == (
                None, None, None, None,
            )  # fmt: skip
            assert need.close_reason is None and need.consultation_id is None
            # What statistics need stays.
            assert (
                need.category,
                need.urgency,
                need.status,
                need.programs,
                need.created_at,
                need.closed_at,
            ) == (before[need_id])
            # Staff who logged a household's need stay (workload statistics); a resident's own need
            # loses every link to them, its creator and their part in its history included.
            if need_id == gone["resident_400"].id:
                assert need.created_by_id is None
                assert p.resident.id not in {e.actor_id for e in need.events}
            else:
                assert need.created_by_id == p.staff.id
            assert all(e.note is None for e in need.events)
            assert [e.kind for e in need.events].count(EventKind.ANONYMISED) == 1
            assert need.events[-1].kind == EventKind.ANONYMISED and need.events[-1].actor_id is None
        for need_id in kept_ids:
            need = needs.get_need(s, need_id)
            assert need is not None and need.anonymised_at is None
            assert need.description == "월세가 밀려 있음"
            assert need.household_id == p.h1.id
        # Statistics still count them; working lists no longer show them.
        assert len(needs.stats_rows(s)) == 8
        assert needs.list_needs(s, now=NOW)[1] == 4
        assert needs.list_needs(s, now=NOW, include_anonymised=True)[1] == 8
        assert sum(1 for r in needs.export_rows(s) if r.description is None) == 4
        frozen = s.get(Need, next(iter(gone_ids)))
        assert frozen is not None
        with pytest.raises(needs.NeedAnonymised):
            needs.change_status(s, frozen, S.OPEN, p.coordinator, "재개")
        with pytest.raises(needs.NeedAnonymised):
            needs.add_note(s, frozen, p.coordinator, "메모")


def test_retention_arguments(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(ValueError):
            needs.anonymise_closed(s, -1, now=NOW)
        assert needs.anonymise_closed(s, 0, now=NOW) == 0


def _consult(
    s: Session,
    user: User,
    answers: dict[str, Any],
    results: dict[str, str] | None,
    household: Household | None = None,
) -> Consultation:
    row = repo.start_consultation(
        s,
        chat_id=user.telegram_id,
        user=user,
        channel=Channel.TELEGRAM,
        language="ko",
        household_id=household.id if household is not None else None,
    )
    for question, value in answers.items():
        steps.log_question(row, question)
        steps.record_answer(row, question, value)
    if results is not None:
        steps.finish(row, results)
    steps.save(s, row)
    c = s.get(Consultation, row.id)
    assert c is not None
    return c


def _counts(s: Session) -> dict[str, int]:
    models = {
        "consultations": Consultation,
        "questions": QuestionLog,
        "results": ConsultationResult,
        "needs": Need,
        "events": NeedEvent,
        "access": AccessLog,
    }
    return {name: s.scalar(select(func.count()).select_from(model)) or 0 for name, model in models.items()}


def test_forget_removes_exactly_the_residents_own_data(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        _consult(
            s,
            p.resident,
            {"age": 70, "household_size": 1, "lives_alone": True},
            {"basic_pension": "eligible"},
        )
        mine = _consult(s, p.resident, {"age": 71}, None)
        _consult(s, p.other_resident, {"age": 30}, {"child_allowance": "ineligible"})
        _consult(s, p.staff, {"age": 80, "household_size": 2}, {"basic_pension": "unknown"}, household=p.h1)
        own = log(
            s,
            p,
            created_by=p.resident,
            household=None,
            resident=p.resident,
            consent_at=NOW,
            consultation=mine,
            description="기초연금 문의",
        )
        needs.add_note(s, own, p.coordinator, "전화 예정", now=NOW)
        log(s, p, created_by=p.other_resident, household=None, resident=p.other_resident, consent_at=NOW)
        household_need = log(s, p, consultation=mine)  # staff linked a household need to it: not hers
        needs.record_access(s, p.resident, AccessAction.MYDATA, f"user:{p.resident.id}", now=NOW)
        needs.record_access(s, p.other_resident, AccessAction.MYDATA, f"user:{p.other_resident.id}", now=NOW)
        needs.record_access(s, p.coordinator, AccessAction.VIEW_NEED, f"need:{own.id}", now=NOW)

        data = needs.my_data(s, p.resident)
        assert [n.id for n in data.needs] == [own.id]
        assert (data.consultations, data.questions) == (2, 4)
        assert data.answers == {"age": 71, "household_size": 1, "lives_alone": True}  # latest wins

        before = _counts(s)
        removed = needs.forget_resident(s, p.resident, now=NOW + days(1))
        after = _counts(s)
        # 2 consultations, 4 question rows, 1 result, 1 need, 2 events (created, note), 1 /mydata entry.
        assert removed == 11
        assert before["consultations"] - after["consultations"] == 2
        assert before["questions"] - after["questions"] == 4
        assert before["results"] - after["results"] == 1
        assert before["needs"] - after["needs"] == 1
        assert before["events"] - after["events"] == 2
        assert after["access"] == before["access"]  # one /mydata entry gone, the forget entry added
        household_need_id, resident_id = household_need.id, p.resident.id

    with db.session() as s:
        resident = s.get(User, resident_id)
        assert resident is not None  # the account stays; Telegram needs it to talk to them
        empty = needs.my_data(s, resident)
        assert (empty.needs, empty.consultations, empty.questions, empty.answers) == ([], 0, 0, {})
        assert (
            s.scalar(
                select(func.count()).select_from(Consultation).where(Consultation.user_id == resident_id)
            )
            == 0
        )
        # Other people's data is untouched.
        assert s.scalar(select(func.count()).select_from(Consultation)) == 2
        linked = s.get(Need, household_need_id)
        assert linked is not None and linked.consultation_id is None  # link cleared, need kept
        actions = sorted((e.action, e.actor_id == resident_id) for e in s.scalars(select(AccessLog)))
        assert actions == sorted(
            [(AccessAction.FORGET, True), (AccessAction.MYDATA, False), (AccessAction.VIEW_NEED, False)]
        )
        forget = s.scalars(select(AccessLog).where(AccessLog.action == AccessAction.FORGET)).one()
        assert forget.detail == "11 rows" and forget.at == NOW + days(1)
        assert needs.forget_resident(s, resident, now=NOW + days(2)) == 0


def test_forgetting_a_staff_member_keeps_household_records(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        _consult(s, p.staff, {"age": 80}, {"basic_pension": "eligible"}, household=p.h1)
        log(s, p)
        assert needs.forget_resident(s, p.staff, now=NOW) == 0
        assert _counts(s)["consultations"] == 1 and _counts(s)["needs"] == 1


def test_access_log_purge_never_drops_entries_younger_than_a_year(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        for age in (400, 366, 364, 10):
            needs.record_access(s, p.coordinator, AccessAction.VIEW_NEEDS, f"age:{age}", now=NOW - days(age))
        assert needs.purge_access_log(s, keep_days=730, now=NOW) == 0
        assert needs.purge_access_log(s, keep_days=30, now=NOW) == 2  # asked for 30 days, kept 365
        assert sorted(e.target for e in s.scalars(select(AccessLog))) == ["age:10", "age:364"]
        assert needs.purge_access_log(s, now=NOW + days(2)) == 1
