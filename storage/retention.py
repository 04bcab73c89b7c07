"""A resident's own data (/mydata, /forget) and the retention job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from casework.model import (
    CLOSED_STATUSES,
    AccessAction,
    EventKind,
)
from casework.policy import DEFAULT_OUTCOME_DAYS, DEFAULT_REMINDER_DAYS
from storage import chat as chat_state
from storage import drafts, reminders
from storage.access import record_access
from storage.casework_base import (
    _event,
    _now,
    _rowcount,
)
from storage.models import (
    Consultation,
    ConsultationResult,
    QuestionLog,
    User,
)
from storage.models_needs import (
    AccessLog,
    Need,
    NeedEvent,
    Visit,
)
from storage.models_reminders import Outcome, Reminder


@dataclass(frozen=True, slots=True)
class MyData:
    needs: list[Need]
    consultations: int
    questions: int
    answers: dict[str, Any]  # latest known value per question id over their own consultations
    reminders: list[Reminder]  # their own, waiting to be sent or for an answer
    outcomes: list[Outcome]  # what they answered to "did you apply, did you get it?"


# --- privacy: a resident's own data, retention -------------------------------------------------------


def _own_consultations(user: User) -> Any:
    # Only consultations about the user themself: a staff member's consultations for households are
    # the households' records, not the staff member's personal data.
    return select(Consultation.id).where(Consultation.user_id == user.id, Consultation.household_id.is_(None))


def my_data(s: Session, user: User) -> MyData:
    """What the bot keeps about this user: their own needs (with events) and self-consultations."""
    needs = list(
        s.scalars(
            select(Need)
            .where(Need.resident_user_id == user.id)
            .order_by(Need.id)
            .options(selectinload(Need.events))
        )
    )
    consultations = list(
        s.scalars(
            select(Consultation)
            .where(Consultation.id.in_(_own_consultations(user)))
            .order_by(Consultation.started_at, Consultation.id)
        )
    )
    answers: dict[str, Any] = {}
    for consultation in consultations:
        answers.update({k: v for k, v in consultation.answers.items() if v is not None})
    questions = (
        s.scalar(
            select(func.count(QuestionLog.id)).where(
                QuestionLog.consultation_id.in_(_own_consultations(user))
            )
        )
        or 0
    )
    return MyData(
        needs=needs,
        consultations=len(consultations),
        questions=questions,
        answers=answers,
        reminders=reminders.waiting_for(s, user.id),
        outcomes=reminders.outcomes_of_user(s, user.id),
    )


def _their_needs(user: User) -> Any:
    # Needs about the user: linked to them as the resident, or logged by them with no household
    # (a resident's own request whose resident link was lost).
    return select(Need.id).where(
        or_(
            Need.resident_user_id == user.id,
            and_(Need.created_by_id == user.id, Need.household_id.is_(None), Need.anonymised_at.is_(None)),
        )
    )


def forget_resident(
    s: Session, user: User, now: dt.datetime | None = None, chat_id: int | None = None
) -> int:
    """Delete the user's self-consultations (question logs, results), their own reminders and follow-up
    answers, the needs they logged about themselves (with events), their own /mydata access entries
    and, with chat_id, the chat's drafts
    (half-typed input) and what the chat's delivery state says about its last messages. Returns the
    number of rows removed.

    Kept: the user row (Telegram needs it to talk to them at all), needs staff logged for households,
    and a 'forget' access-log entry recording that this happened.
    """
    now = _now(now)
    own = _own_consultations(user)
    removed = reminders.forget(s, user.id)
    reminders.unlink_consultations(s, [cid for (cid,) in s.execute(own)])
    for statement in (
        delete(QuestionLog).where(QuestionLog.consultation_id.in_(own)),
        delete(ConsultationResult).where(ConsultationResult.consultation_id.in_(own)),
        delete(Consultation).where(Consultation.id.in_(own)),
    ):
        removed += _rowcount(s.execute(statement.execution_options(synchronize_session="fetch")))
    their_needs = [nid for (nid,) in s.execute(_their_needs(user))]
    for statement in (
        delete(NeedEvent).where(NeedEvent.need_id.in_(their_needs)),
        delete(Need).where(Need.id.in_(their_needs)),
        delete(AccessLog).where(AccessLog.actor_id == user.id, AccessLog.action == AccessAction.MYDATA),
    ):
        removed += _rowcount(s.execute(statement.execution_options(synchronize_session="fetch")))
    if chat_id is not None:
        removed += drafts.purge_drafts(s, chat_id=chat_id)
        chat_state.forget(s, chat_id)
    record_access(s, user, AccessAction.FORGET, f"user:{user.id}", detail=f"{removed} rows", now=now)
    return removed


def anonymise_closed(s: Session, retention_days: int, now: dt.datetime | None = None) -> int:
    """Clear everything pointing at a person from needs closed more than retention_days ago.

    Description, call-back window, household, resident, consultation link, reasons and event notes go,
    and for a resident's own need also who logged it and their part in its history (they were the
    resident); category, urgency, status, programmes, dates and staff ids stay for statistics. Each gets an
    'anonymised' event. Idempotent: already anonymised needs are skipped. Returns how many were done.
    """
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    now = _now(now)
    cutoff = now - dt.timedelta(days=retention_days)
    query = (
        select(Need)
        .where(Need.status.in_(CLOSED_STATUSES), Need.closed_at < cutoff, Need.anonymised_at.is_(None))
        .order_by(Need.id)
        .options(selectinload(Need.events))
    )
    done = 0
    anonymised: list[int] = []
    for need in s.scalars(query):
        person = need.resident_user_id
        if person is not None:
            # A resident's own request: they logged it and acted in its history; neither stays.
            if need.created_by_id == person:
                need.created_by = None
            for event in need.events:
                if event.actor_id == person:
                    event.actor = None
        need.description = None
        need.callback_window = None
        need.household = None
        need.resident = None
        need.consultation_id = None
        need.close_reason = None
        need.duplicate_override_reason = None
        need.anonymised_at = now
        for event in need.events:
            event.note = None
        _event(
            need,
            actor=None,
            kind=EventKind.ANONYMISED,
            at=now,
            from_status=need.status,
            to_status=need.status,
        )
        done += 1
        anonymised.append(need.id)
    s.flush()
    _anonymise_attached(s, anonymised)
    return done


def _anonymise_attached(s: Session, need_ids: list[int]) -> None:
    """What the district network keeps beside a need goes with it: messages relayed to and from the
    resident, what was shared with partners and their reports, meeting decisions, and the household
    an allocation names (the allocation still counts, as the need does)."""
    from storage.models_district import Allocation, MeetingItem, Referral, RelayMessage

    for start in range(0, len(need_ids), 500):
        chunk = need_ids[start : start + 500]
        s.execute(update(RelayMessage).where(RelayMessage.need_id.in_(chunk)).values(text=None))
        s.execute(update(Referral).where(Referral.need_id.in_(chunk)).values(shared={}, report=None))
        s.execute(update(MeetingItem).where(MeetingItem.need_id.in_(chunk)).values(decision=None))
        s.execute(update(Allocation).where(Allocation.need_id.in_(chunk)).values(household_id=None))


@dataclass(frozen=True, slots=True)
class Purged:
    self_checks: int
    household_consultations: int
    visits: int
    drafts: int
    chat_states: int
    reminders: int = 0
    outcomes: int = 0


def purge_personal_data(
    s: Session,
    *,
    self_check_days: int,
    household_consultation_days: int,
    visit_days: int,
    draft_hours: int,
    reminder_days: int | None = None,
    outcome_days: int | None = None,
    now: dt.datetime | None = None,
) -> Purged:
    """The retention job's part beyond needs: consultations untouched for their period are deleted
    (answers, question log, results); old visits lose their household and note (they still count);
    drafts older than draft_hours go, and so does the delivery state of chats idle for the
    self-check period (it holds no text: only counters and the last question's message id); sent
    reminders after reminder_days, and outcomes lose their links after outcome_days (storage.reminders)."""
    now = _now(now)
    counts = []
    for own, days in (
        (Consultation.household_id.is_(None), self_check_days),
        (Consultation.household_id.is_not(None), household_consultation_days),
    ):
        old = select(Consultation.id).where(own, Consultation.updated_at < now - dt.timedelta(days=days))
        ids = [cid for (cid,) in s.execute(old)]
        reminders.unlink_consultations(s, ids)
        for statement in (
            delete(QuestionLog).where(QuestionLog.consultation_id.in_(ids)),
            delete(ConsultationResult).where(ConsultationResult.consultation_id.in_(ids)),
            update(Need).where(Need.consultation_id.in_(ids)).values(consultation_id=None),
            delete(Consultation).where(Consultation.id.in_(ids)),
        ):
            s.execute(statement.execution_options(synchronize_session="fetch"))
        counts.append(len(ids))
    visits = s.execute(
        update(Visit)
        .where(Visit.household_id.is_not(None), Visit.visited_at < now - dt.timedelta(days=visit_days))
        .values(household_id=None, note=None)
        .execution_options(synchronize_session="fetch")
    )
    gone = drafts.purge_drafts(s, dt.timedelta(hours=draft_hours), now=now)
    idle = chat_state.purge_before(s, now - dt.timedelta(days=self_check_days))
    later = reminders.purge(
        s,
        reminder_days=reminder_days if reminder_days is not None else DEFAULT_REMINDER_DAYS,
        outcome_days=outcome_days if outcome_days is not None else DEFAULT_OUTCOME_DAYS,
        now=now,
    )
    return Purged(counts[0], counts[1], _rowcount(visits), gone, idle, later.reminders, later.outcomes)
