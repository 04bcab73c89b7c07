"""Reminders and follow-up outcomes: the small repository behind them (storage.models_reminders).

Sending is at most once per reminder whatever the number of processes: a process first claims the row
(one UPDATE that succeeds for one caller only) and commits, then sends, then marks it sent. A claim
that was never marked sent (the process died in between) may be taken again after CLAIM_LEASE.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.casework_base import _now, _rowcount
from storage.models_reminders import Outcome, OutcomeStatus, Reminder, ReminderKind

CLAIM_LEASE = dt.timedelta(hours=1)
PENDING_LIMIT = 20  # reminders one chat may have waiting (each press adds one at most)


def add(
    s: Session,
    *,
    user_id: int,
    chat_id: int,
    language: str,
    program_id: str,
    kind: ReminderKind,
    due_on: dt.date,
    consultation_id: int | None = None,
    household_id: int | None = None,
    round_: int = 1,
) -> Reminder | None:
    """A new reminder, or None when the same one (chat, programme, kind, day) is already waiting or
    the chat has PENDING_LIMIT waiting (a button pressed twice adds nothing)."""
    waiting = select(Reminder).where(Reminder.chat_id == chat_id, Reminder.sent_at.is_(None))
    same = waiting.where(Reminder.program_id == program_id, Reminder.kind == kind, Reminder.due_on == due_on)
    if s.scalar(same.limit(1)) is not None:
        return None
    count = s.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    if count >= PENDING_LIMIT:
        return None
    reminder = Reminder(
        user_id=user_id,
        chat_id=chat_id,
        language=language,
        consultation_id=consultation_id,
        household_id=household_id,
        program_id=program_id,
        kind=kind,
        due_on=due_on,
        round=round_,
    )
    s.add(reminder)
    s.flush()
    return reminder


def follow_up(s: Session, after: Reminder, due_on: dt.date, round_: int = 1) -> Reminder | None:
    """'Did you apply, did you get it?' for the same chat, programme and consultation as `after`."""
    return add(
        s,
        user_id=after.user_id,
        chat_id=after.chat_id,
        language=after.language,
        program_id=after.program_id,
        kind=ReminderKind.FOLLOW_UP,
        due_on=due_on,
        consultation_id=after.consultation_id,
        household_id=after.household_id,
        round_=round_,
    )


def get(s: Session, reminder_id: int) -> Reminder | None:
    return s.get(Reminder, reminder_id)


def due_ids(s: Session, today: dt.date, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Reminders due by `today` (Korean calendar day), unsent and not claimed within the lease."""
    stale = _now(now) - CLAIM_LEASE
    query = (
        select(Reminder.id)
        .where(
            Reminder.due_on <= today,
            Reminder.sent_at.is_(None),
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < stale),
        )
        .order_by(Reminder.due_on, Reminder.id)
        .limit(limit)
    )
    return list(s.scalars(query))


def claim(s: Session, reminder_id: int, claimant: str, now: dt.datetime | None = None) -> Reminder | None:
    """The reminder, for exactly one caller: None when another process holds or sent it. Commit at once."""
    moment = _now(now)
    result = s.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.sent_at.is_(None),
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < moment - CLAIM_LEASE),
        )
        .values(claimed_at=moment, claimed_by=claimant[:64])
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        return None
    reminder = s.get(Reminder, reminder_id)
    if reminder is not None:
        s.refresh(reminder)
    return reminder


def mark_sent(s: Session, reminder_id: int, now: dt.datetime | None = None) -> None:
    s.execute(update(Reminder).where(Reminder.id == reminder_id).values(sent_at=_now(now)))


def waiting_for(s: Session, user_id: int) -> list[Reminder]:
    """A person's own reminders (not those staff set for households), unsent or awaiting an answer."""
    return list(
        s.scalars(
            select(Reminder)
            .where(Reminder.user_id == user_id, Reminder.household_id.is_(None))
            .order_by(Reminder.due_on, Reminder.id)
        )
    )


def record_outcome(
    s: Session, reminder: Reminder, status: OutcomeStatus, now: dt.datetime | None = None
) -> Outcome:
    """The answer to a follow-up, as the consultation's outcome; the follow-up itself is done."""
    outcome = Outcome(
        consultation_id=reminder.consultation_id,
        household_id=reminder.household_id,
        user_id=reminder.user_id,
        program_id=reminder.program_id,
        status=status,
        recorded_at=_now(now),
    )
    s.add(outcome)
    s.delete(reminder)
    s.flush()
    return outcome


def outcomes_of_user(s: Session, user_id: int) -> list[Outcome]:
    return list(
        s.scalars(
            select(Outcome)
            .where(Outcome.user_id == user_id, Outcome.household_id.is_(None))
            .order_by(Outcome.recorded_at, Outcome.id)
        )
    )


def outcomes_of_household(s: Session, household_id: int, limit: int = 10) -> list[Outcome]:
    return list(
        s.scalars(
            select(Outcome)
            .where(Outcome.household_id == household_id)
            .order_by(Outcome.recorded_at.desc(), Outcome.id.desc())
            .limit(limit)
        )
    )


def outcome_counts(s: Session, household_ids: Iterable[int] | None = None) -> Counter[str]:
    """Outcomes by status (anonymised ones included: they are kept for exactly this); with
    household_ids, only those households' (a centre's statistics)."""
    query = select(Outcome.status, func.count()).group_by(Outcome.status)
    if household_ids is not None:
        query = query.where(Outcome.household_id.in_(list(household_ids)))
    return Counter({str(status): int(n) for status, n in s.execute(query)})


def unlink_consultations(s: Session, consultation_ids: list[int]) -> None:
    """Consultations about to be deleted: what points at them keeps going without the link."""
    for start in range(0, len(consultation_ids), 500):
        chunk = consultation_ids[start : start + 500]
        for table in (Reminder, Outcome):
            s.execute(
                update(table)
                .where(table.consultation_id.in_(chunk))
                .values(consultation_id=None)
                .execution_options(synchronize_session="fetch")
            )


def forget(s: Session, user_id: int) -> int:
    """A person's own reminders and outcomes (not households'): deleted. Returns the rows removed."""
    removed = 0
    for table in (Reminder, Outcome):
        statement = delete(table).where(table.user_id == user_id, table.household_id.is_(None))
        removed += _rowcount(s.execute(statement.execution_options(synchronize_session="fetch")))
    return removed


@dataclass(frozen=True, slots=True)
class Purged:
    reminders: int
    outcomes: int


def purge(s: Session, *, reminder_days: int, outcome_days: int, now: dt.datetime | None = None) -> Purged:
    """Reminders sent more than reminder_days ago go (a follow-up not answered by then too); outcomes
    older than outcome_days lose their consultation, household and person (the count stays)."""
    moment = _now(now)
    sent = s.execute(
        delete(Reminder)
        .where(Reminder.sent_at < moment - dt.timedelta(days=reminder_days))
        .execution_options(synchronize_session="fetch")
    )
    old = s.execute(
        update(Outcome)
        .where(
            and_(
                Outcome.anonymised_at.is_(None),
                Outcome.recorded_at < moment - dt.timedelta(days=outcome_days),
            )
        )
        .values(consultation_id=None, household_id=None, user_id=None, anonymised_at=moment)
        .execution_options(synchronize_session="fetch")
    )
    return Purged(_rowcount(sent), _rowcount(old))
