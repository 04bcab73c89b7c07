"""Typed ORM models. Enums are stored as plain strings so adding a value never needs a migration."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from casework.roles import OrgKind, Role

__all__ = ["OrgKind", "Role"]  # re-exported: the roles are the casework domain's, stored here


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ConsultationState(StrEnum):
    ASKING = "asking"
    RESULTS = "results"
    CANCELLED = "cancelled"


class QuestionOutcome(StrEnum):
    ANSWERED = "answered"
    DONT_KNOW = "dont_know"
    SKIPPED = "skipped"
    REUSED = "reused"
    UNDONE = "undone"


class Channel(StrEnum):
    TELEGRAM = "telegram"
    CONSOLE = "console"
    CLI = "cli"


SCOPE_KINDS = ("all", "domain", "program")
RESULT_STATUSES = ("eligible", "ineligible", "unknown")

# The migration spells these lengths out; keep them in step (tests compare the two).
ENUM_LENGTH = 32
ID_LENGTH = 64


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend.

    SQLite has no time zone type and returns naive values; PostgreSQL returns the session's zone.
    Naive input is refused rather than guessed, because a guessed zone silently shifts ages of answers.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
        value = value.astimezone(dt.UTC)
        # SQLite's DATETIME string format cannot hold an offset; UTC is implied.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _str_enum(enum_cls: type[StrEnum]) -> Enum:
    # values_callable: store "resident", not the member name "RESIDENT".
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=ENUM_LENGTH,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _json() -> JSON:
    # none_as_null: a Python None becomes SQL NULL rather than the JSON literal 'null'.
    return JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Named constraints: SQLite batch migrations can only drop constraints that have names.
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    role: Mapped[Role] = mapped_column(_str_enum(Role), default=Role.RESIDENT)
    language: Mapped[str] = mapped_column(String(2), default="ko")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    # The centre, headquarters or partner the user works for (None: residents, and a district that
    # has not set up its centres yet).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    def __repr__(self) -> str:
        return f"User(id={self.id}, telegram_id={self.telegram_id}, role={self.role})"


class Household(Base):
    """A household known only by a pseudonymous code such as H-0042: names never enter the database."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The centre whose household it is. The matched official keeps it when they move elsewhere.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assigned_staff: Mapped[User | None] = relationship(foreign_keys=[assigned_staff_id])

    def __repr__(self) -> str:
        return f"Household(id={self.id}, code={self.code!r})"


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_str_enum(Channel))
    role: Mapped[Role] = mapped_column(_str_enum(Role))
    language: Mapped[str] = mapped_column(String(2))
    scope_kind: Mapped[str] = mapped_column(String(16), default="all")
    scope_value: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    state: Mapped[ConsultationState] = mapped_column(
        _str_enum(ConsultationState), default=ConsultationState.ASKING
    )
    current_question: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    answers: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    pending: Mapped[dict[str, Any]] = mapped_column(_json(), default=dict)
    version: Mapped[int] = mapped_column(Integer)
    # Counters kept on the row so a consultation step never reads its question log back:
    # last_seq is the highest seq in the log, current_seq the log row of the question on screen,
    # answered the person's answers that stand (answered, don't know, skipped; not reused, not undone),
    # so the question on screen is number answered + 1 however often the person went back.
    last_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    current_seq: Mapped[int | None] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    household: Mapped[Household | None] = relationship()
    questions: Mapped[list[QuestionLog]] = relationship(
        back_populates="consultation", order_by="QuestionLog.seq", cascade="all, delete-orphan"
    )
    results: Mapped[list[ConsultationResult]] = relationship(
        back_populates="consultation", order_by="ConsultationResult.id", cascade="all, delete-orphan"
    )

    # Every UPDATE checks and bumps the version, so two processes serving the same chat cannot
    # overwrite each other's answer: the slower one gets StaleDataError and retries from fresh state.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    def __repr__(self) -> str:
        return f"Consultation(id={self.id}, chat_id={self.chat_id}, state={self.state})"


class QuestionLog(Base):
    """One question asked, in order. Holds only the parsed value, never the typed text (personal data)."""

    __tablename__ = "consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "seq", name="uq_consultation_questions_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[Any | None] = mapped_column(_json())
    outcome: Mapped[QuestionOutcome | None] = mapped_column(_str_enum(QuestionOutcome))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    consultation: Mapped[Consultation] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"QuestionLog(seq={self.seq}, question_id={self.question_id!r}, outcome={self.outcome})"


class ConsultationResult(Base):
    __tablename__ = "consultation_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="results")

    def __repr__(self) -> str:
        return f"ConsultationResult(program_id={self.program_id!r}, status={self.status!r})"


# Casework tables live in their own module; importing it here puts them on Base.metadata for everyone.
from storage import models_chat as models_chat  # noqa: E402
from storage import models_desk as models_desk  # noqa: E402
from storage import models_district as models_district  # noqa: E402
from storage import models_drafts as models_drafts  # noqa: E402
from storage import models_needs as models_needs  # noqa: E402
from storage import models_reminders as models_reminders  # noqa: E402
from storage import models_summary as models_summary  # noqa: E402
