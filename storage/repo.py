"""Repository functions. Each takes the caller's Session first and never commits: `Database.session()` does.

They flush where the caller needs generated ids, so returned objects are usable at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage import steps
from storage.models import (
    SCOPE_KINDS,
    Base,
    Channel,
    Consultation,
    ConsultationState,
    Household,
    QuestionLog,
    Role,
    User,
    utcnow,
)
from storage.steps import ConsultationRow

HOUSEHOLD_CODE = re.compile(r"^H-\d{4,6}$")
# Lenient input: "h0042", "H 0042", "H_0042", full-width forms after NFKC. Digits stay 4 to 6 long,
# so a mistyped short number is refused rather than padded into somebody else's household.
_HOUSEHOLD_INPUT = re.compile(r"^H[-_ ]?(\d{4,6})$")
_LANGUAGE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]+)*$")


class DuplicateHouseholdError(ValueError):
    pass


def normalise_language(tag: str) -> str:
    """'en-GB' → 'en'. Telegram sends IETF tags; the column holds the two-letter primary subtag."""
    m = _LANGUAGE.match(tag.strip().lower())
    if m is None:
        raise ValueError(f"not a language tag: {tag!r}")
    return m.group(1)


# --- users -------------------------------------------------------------------------------------------


# Statements every update runs are built once: building one costs more than SQLite takes to run it.
_USER_BY_TELEGRAM_ID = select(User).where(User.telegram_id == bindparam("telegram_id"))


@dataclass(frozen=True)
class Caller:
    """Who sent an update, as every update needs it (role and language) without loading a User."""

    id: int
    telegram_id: int
    role: Role
    language: str
    active: bool


_USERS = Base.metadata.tables[User.__tablename__]
_CALLER = select(_USERS.c.id, _USERS.c.telegram_id, _USERS.c.role, _USERS.c.language, _USERS.c.active).where(
    _USERS.c.telegram_id == bindparam("telegram_id")
)


def caller(s: Session, telegram_id: int) -> Caller | None:
    found = s.connection().execute(_CALLER, {"telegram_id": telegram_id}).first()
    return None if found is None else Caller(*found)


def caller_of(user: User) -> Caller:
    return Caller(user.id, user.telegram_id, user.role, user.language, user.active)


def get_user(s: Session, telegram_id: int) -> User | None:
    return s.scalars(_USER_BY_TELEGRAM_ID, {"telegram_id": telegram_id}).one_or_none()


def ensure_user(s: Session, telegram_id: int, language: str | None = None) -> User:
    """The user with this Telegram id, created as a resident if new; language updated when given."""
    user = get_user(s, telegram_id)
    lang = normalise_language(language) if language is not None else None
    if user is None:
        user = User(telegram_id=telegram_id, role=Role.RESIDENT, language=lang or "ko", active=True)
        s.add(user)
        s.flush()
    elif lang is not None and user.language != lang:
        user.language = lang
    return user


def set_role(s: Session, telegram_id: int, role: Role) -> User:
    user = ensure_user(s, telegram_id)
    user.role = Role(role)
    return user


def list_users(s: Session, role: Role | None = None) -> list[User]:
    query = select(User).order_by(User.id)
    if role is not None:
        query = query.where(User.role == Role(role))
    return list(s.scalars(query))


# --- households --------------------------------------------------------------------------------------


def normalise_household_code(text: str) -> str | None:
    """'h0042', 'H 0042', 'Ｈ－００４２' → 'H-0042'; None when the text is not a household code.

    The number is re-padded to four digits so that H-0042 and H-00042 cannot name two households.
    """
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    folded = folded.replace("\u2010", "-").replace("\u2011", "-").replace("\u2212", "-")
    m = _HOUSEHOLD_INPUT.match(folded)
    if m is None:
        return None
    return f"H-{int(m.group(1)):04d}"


def household_by_code(s: Session, code: str) -> Household | None:
    normal = normalise_household_code(code)
    if normal is None:
        return None
    return s.scalars(select(Household).where(Household.code == normal)).one_or_none()


def create_household(s: Session, code: str, created_by: User | None) -> Household:
    normal = normalise_household_code(code)
    if normal is None:
        raise ValueError(f"household code must look like H-0042, got {code!r}")
    if household_by_code(s, normal) is not None:
        raise DuplicateHouseholdError(f"household {normal} already exists")
    household = Household(code=normal, created_by=created_by)
    s.add(household)
    s.flush()
    return household


def next_household_code(s: Session) -> str:
    """One past the highest number in use. Racy across processes: create_household's unique key decides."""
    numbers = [int(code[2:]) for code in s.scalars(select(Household.code)) if HOUSEHOLD_CODE.match(code)]
    following = max(numbers, default=0) + 1
    if following > 999_999:
        raise ValueError("household codes exhausted")
    return f"H-{following:04d}"


def household_by_id(s: Session, household_id: int) -> Household | None:
    return s.get(Household, household_id)


def assign_staff(s: Session, household: Household, staff: User | None) -> None:
    """Put the household on a staff member's caseload (None takes it off)."""
    household.assigned_staff = staff


def caseload(s: Session, staff: User, limit: int | None = None) -> list[Household]:
    """Households assigned to this staff member, or created by them and assigned to nobody.

    Most recently consulted (else created) first, because the next visit is usually to one of those.
    """
    last_seen = (
        select(Consultation.household_id, func.max(Consultation.started_at).label("at"))
        .group_by(Consultation.household_id)
        .subquery()
    )
    mine = or_(
        Household.assigned_staff_id == staff.id,
        and_(Household.assigned_staff_id.is_(None), Household.created_by_id == staff.id),
    )
    query = (
        select(Household)
        .outerjoin(last_seen, last_seen.c.household_id == Household.id)
        .where(mine)
        .order_by(func.coalesce(last_seen.c.at, Household.created_at).desc(), Household.id.desc())
        .limit(limit)
    )
    return list(s.scalars(query))


# --- consultations -----------------------------------------------------------------------------------


def get_consultation(s: Session, consultation_id: int) -> Consultation | None:
    return s.get(Consultation, consultation_id)


def latest_consultation(s: Session, chat_id: int) -> Consultation | None:
    query = (
        select(Consultation).where(Consultation.chat_id == chat_id).order_by(Consultation.id.desc()).limit(1)
    )
    return s.scalars(query).first()


def start_consultation(
    s: Session,
    *,
    chat_id: int,
    user: User | Caller,
    channel: Channel,
    language: str,
    scope_kind: str = "all",
    scope_value: str | None = None,
    household_id: int | None = None,
    answers: Mapping[str, Any] | None = None,
) -> ConsultationRow:
    """A new consultation in state asking; any consultation of this chat still asking is cancelled."""
    if scope_kind not in SCOPE_KINDS:
        raise ValueError(f"scope_kind must be one of {SCOPE_KINDS}, got {scope_kind!r}")
    if (scope_kind == "all") != (scope_value is None):
        raise ValueError(f"scope_kind {scope_kind!r} with scope_value {scope_value!r}")
    return steps.start(
        s,
        chat_id=chat_id,
        user_id=user.id,
        role=user.role,
        channel=channel,
        language=normalise_language(language),
        scope_kind=scope_kind,
        scope_value=scope_value,
        household_id=household_id,
        answers=answers,
    )


def question_log(s: Session, consultation_id: int) -> list[QuestionLog]:
    query = (
        select(QuestionLog).where(QuestionLog.consultation_id == consultation_id).order_by(QuestionLog.seq)
    )
    return list(s.scalars(query))


def household_consultations(s: Session, household_id: int, limit: int = 10) -> list[Consultation]:
    query = (
        select(Consultation)
        .where(Consultation.household_id == household_id)
        .order_by(Consultation.started_at.desc(), Consultation.id.desc())
        .limit(limit)
        .options(selectinload(Consultation.questions), selectinload(Consultation.results))
    )
    return list(s.scalars(query))


def reusable_consultation(
    s: Session, household_id: int, max_age_days: int, now: dt.datetime | None = None
) -> Consultation | None:
    """The household's latest finished consultation, if it finished within max_age_days of now.

    Only finished ones count: an abandoned or cancelled consultation may hold answers the person
    wanted to correct. Shown to staff as "reuse answers of <date>", so they can judge them.
    """
    if max_age_days < 0:
        raise ValueError("max_age_days must not be negative")
    cutoff = (now or utcnow()) - dt.timedelta(days=max_age_days)
    query = (
        select(Consultation)
        .where(
            Consultation.household_id == household_id,
            Consultation.state == ConsultationState.RESULTS,
            Consultation.finished_at >= cutoff,
        )
        .order_by(Consultation.finished_at.desc(), Consultation.id.desc())
        .limit(1)
    )
    return s.scalars(query).first()


def reusable_answers(
    s: Session, household_id: int, max_age_days: int, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Known answers of reusable_consultation(); unknown (None) values are left out to be asked again."""
    found = reusable_consultation(s, household_id, max_age_days, now)
    if found is None:
        return {}
    return {k: v for k, v in found.answers.items() if v is not None}
