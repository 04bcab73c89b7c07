"""Models for casework: needs and their audit trail, invitations, visits and the access log.

Imported at the end of storage.models so that every table is on Base.metadata wherever models are used.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.model import AccessAction, EventKind, NeedCategory, NeedStatus, Urgency
from storage.models import Base, Household, Role, User, UTCDateTime, _json, _str_enum, utcnow

CALLBACK_WINDOW_LENGTH = 64
TARGET_LENGTH = 64
TOKEN_HASH_LENGTH = 64  # hex sha256


class Need(Base):
    """Something a household or resident needs, followed up until it is referred, resolved or given up.

    After the retention period everything that points at a person is cleared (anonymised_at is set);
    category, urgency, status, programmes and dates stay for statistics.
    """

    __tablename__ = "needs"
    __table_args__ = (
        # Statistics group by status and category and count the overdue from these indexes alone
        # (district-wide, or within a centre); lists page by due date and count by status from them.
        Index("ix_needs_centre_status_category_due", "centre_id", "status", "category", "due_at"),
        Index("ix_needs_status_category_due", "status", "category", "due_at"),
        Index("ix_needs_due_at", "due_at"),
        Index("ix_needs_created_at", "created_at"),
        # "Mine" lists and headquarters' follow-up per official (active / resolved) from the index alone.
        Index("ix_needs_assignee_id_status", "assignee_id", "status"),
        # Median days to resolution, read from the index.
        Index("ix_needs_status_closed_created", "status", "closed_at", "created_at"),
        # SQLite reuses the highest rowid after a delete (/forget): AUTOINCREMENT never does.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    resident_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # None once anonymised when the resident logged it themself: it pointed at them.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[NeedCategory] = mapped_column(_str_enum(NeedCategory))
    urgency: Mapped[Urgency] = mapped_column(_str_enum(Urgency))
    description: Mapped[str | None] = mapped_column(Text)  # masked; None after anonymisation
    programs: Mapped[list[str]] = mapped_column(_json(), default=list)
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    callback_requested: Mapped[bool] = mapped_column(default=False)
    callback_window: Mapped[str | None] = mapped_column(String(CALLBACK_WINDOW_LENGTH))
    status: Mapped[NeedStatus] = mapped_column(_str_enum(NeedStatus), default=NeedStatus.OPEN, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    close_reason: Mapped[str | None] = mapped_column(Text)
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    duplicate_override_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    # The centre whose queue it is in (the household's, the reporter's, or the one a resident chose).
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # A crisis report: who reported it (they only ever learn that it was taken up and closed).
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The resident agreed that the assignee may write to them through the bot (call-back that works).
    relay_consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    household: Mapped[Household | None] = relationship()
    resident: Mapped[User | None] = relationship(foreign_keys=[resident_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list[NeedEvent]] = relationship(
        back_populates="need", order_by="NeedEvent.id", cascade="all, delete-orphan", passive_deletes=True
    )

    # Two coordinators acting on one need from different processes: the slower gets StaleDataError
    # instead of silently overwriting the other's change.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    def __repr__(self) -> str:
        return f"Need(id={self.id}, category={self.category}, status={self.status})"


class NeedEvent(Base):
    """One entry of a need's audit trail. Rows are only ever added, never edited."""

    __tablename__ = "need_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system (retention)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[EventKind] = mapped_column(_str_enum(EventKind))
    from_status: Mapped[NeedStatus | None] = mapped_column(_str_enum(NeedStatus))
    to_status: Mapped[NeedStatus | None] = mapped_column(_str_enum(NeedStatus))
    # Whom an 'assigned' / 'unassigned' event concerns, so reassignments stay traceable.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)  # masked; cleared on anonymisation

    need: Mapped[Need] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"NeedEvent(need_id={self.need_id}, kind={self.kind}, {self.from_status}→{self.to_status})"


class Invitation(Base):
    """A one-time link granting a role. Only the token's sha256 is stored: a database leak grants nothing."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    role: Mapped[Role] = mapped_column(_str_enum(Role))
    # The organisation the invited person joins (a centre for staff and reporters, a partner's users).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: command line
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"Invitation(id={self.id}, role={self.role}, expires_at={self.expires_at:%Y-%m-%d %H:%M})"


class Visit(Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None once anonymised by the retention job: the visit still counts, for nobody in particular.
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    visited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)  # masked

    household: Mapped[Household | None] = relationship()

    def __repr__(self) -> str:
        return f"Visit(household_id={self.household_id}, staff_id={self.staff_id})"


class AccessLog(Base):
    """Who looked at or exported residents' data, when and why. Kept at least a year."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: command line
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[AccessAction] = mapped_column(_str_enum(AccessAction))
    target: Mapped[str] = mapped_column(String(TARGET_LENGTH))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"AccessLog(actor_id={self.actor_id}, action={self.action}, target={self.target!r})"


# The statistics' summary rows follow every change to a need wherever Need is used (mapper and session
# events); imported here, after Need, so that any import order works.
from storage import need_summary as need_summary  # noqa: E402
