"""Reminders and what people answered to "did you apply, did you get it?" (issue 17).

A reminder is a date and a programme, for one chat: an application window opening, the month before
a 65th birthday, or a follow-up a few weeks after the results. Each is claimed by one process before it
is sent (claimed_at, claimed_by), so two processes never send it twice. An outcome is the answer to a
follow-up, recorded against the consultation; after the retention period it loses every link to a
person and only counts. Imported at the end of storage.models so the tables are on Base.metadata.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import ID_LENGTH, Base, UTCDateTime, _str_enum, utcnow


class ReminderKind(StrEnum):
    PERIOD = "period"  # an application window opens
    PENSION = "pension"  # the month before the 65th birthday month: 기초연금 may be claimed
    FOLLOW_UP = "follow_up"  # did you apply, did you get it?


class OutcomeStatus(StrEnum):
    RECEIVED = "received"
    WAITING = "waiting"
    TURNED_DOWN = "turned_down"
    NOT_APPLIED = "not_applied"


class Reminder(Base):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who asked for it (a resident for themself, or staff for a household) and where it goes.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(2))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    program_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[ReminderKind] = mapped_column(_str_enum(ReminderKind))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)  # Korean calendar day
    round: Mapped[int] = mapped_column(Integer, default=1)  # follow-ups: the second asks once more
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)

    def __repr__(self) -> str:
        return f"Reminder(id={self.id}, kind={self.kind}, program={self.program_id!r}, due_on={self.due_on})"


class Outcome(Base):
    """One answer to a follow-up: the consultation's outcome for one programme."""

    __tablename__ = "consultation_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    program_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    status: Mapped[OutcomeStatus] = mapped_column(_str_enum(OutcomeStatus))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"Outcome(id={self.id}, program={self.program_id!r}, status={self.status})"
