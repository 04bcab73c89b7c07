"""Models for the district network: organisations (centres, headquarters, partners), consent and
referrals to partners, the shared allocation list, case-meeting items, messages relayed between an
assignee and a resident, household hand-overs, and the once-a-day claim of scheduled work.

Imported at the end of storage.models, like models_needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.allocation import SupportKind
from casework.referral import ReferralStatus
from casework.roles import OrgKind
from storage.models import ID_LENGTH, Base, UTCDateTime, _json, _str_enum, utcnow

ORG_CODE_LENGTH = 16
ORG_NAME_LENGTH = 80
SEASON_LENGTH = 16
JOB_NAME_LENGTH = 32
CLAIMANT_LENGTH = 64


class Organisation(Base):
    """A 동 centre, the district headquarters, or a partner agency. Named as an office, never a person."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(_str_enum(OrgKind))
    code: Mapped[str] = mapped_column(String(ORG_CODE_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(ORG_NAME_LENGTH))
    # The head-of-centre review step, where the district turns it on for this centre.
    review_required: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"Organisation(id={self.id}, kind={self.kind}, code={self.code!r})"


class Consent(Base):
    """What may be shared about a need with which partner, who agreed and when. Never edited; withdrawn."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    fields: Mapped[list[str]] = mapped_column(_json(), default=list)
    by_resident: Mapped[bool] = mapped_column(default=False)  # False: staff recorded the household's consent
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Referral(Base):
    """A need sent to a partner. `shared` is the copy of exactly what the partner was shown."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"))
    status: Mapped[ReferralStatus] = mapped_column(_str_enum(ReferralStatus), default=ReferralStatus.PENDING)
    shared: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    report: Mapped[str | None] = mapped_column(Text)  # the partner's report back, masked

    partner: Mapped[Organisation] = relationship()


class Allocation(Base):
    """One entry of the shared list: support given to a household, by which organisation, when."""

    __tablename__ = "allocations"
    __table_args__ = (Index("ix_allocations_household_key_season", "household_id", "support_key", "season"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # None once anonymised
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    kind: Mapped[SupportKind] = mapped_column(_str_enum(SupportKind))
    programme: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    support_key: Mapped[str] = mapped_column(String(ID_LENGTH + 16))
    amount: Mapped[int | None] = mapped_column(BigInteger)  # KRW
    given_on: Mapped[dt.date] = mapped_column(Date)
    season: Mapped[str] = mapped_column(String(SEASON_LENGTH), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    override_reason: Mapped[str | None] = mapped_column(Text)  # why recorded despite a duplicate warning

    organisation: Mapped[Organisation | None] = relationship()


class MeetingItem(Base):
    """A need on a case meeting's agenda, and the meeting's decision about it."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("need_id", "meeting_on", name="uq_meeting_items_need_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    meeting_on: Mapped[dt.date] = mapped_column(Date, index=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision: Mapped[str | None] = mapped_column(Text)  # masked
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RelayMessage(Base):
    """A message between a need's assignee and the resident, carried by the bot. The assignee never
    learns the resident's Telegram identity; the resident sees the centre, not the official's account."""

    __tablename__ = "relay_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    outbound: Mapped[bool] = mapped_column()  # True: assignee → resident
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str | None] = mapped_column(Text)  # masked; cleared on anonymisation
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HouseholdEvent(Base):
    """Matching and hand-over history of a household (who was its official, from when)."""

    __tablename__ = "household_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """Scheduled work claimed for one day: the first process to insert the row does the work."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(JOB_NAME_LENGTH), primary_key=True)
    run_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(CLAIMANT_LENGTH))
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[str | None] = mapped_column(Text)
