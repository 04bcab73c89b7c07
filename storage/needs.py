"""Repository functions for casework: needs and their audit trail, invitations, visits, privacy jobs.

Like storage.repo: the caller's Session comes first and nothing here commits. Every change to a need
adds a NeedEvent (who, when, from, to, note); nothing is edited silently. Free text (descriptions,
notes, reasons) is masked for 주민등록번호 and phone numbers before it reaches the database.
Permission to run a command is the handlers' job (handlers.guard); the checks here are the ones the
data itself needs (consent, who may override a duplicate warning, one-time invitations).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, selectinload

from casework.model import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    SUPPORTED_STATUSES,
    AccessAction,
    EventKind,
    NeedCategory,
    NeedStatus,
    Urgency,
)
from casework.policy import DEFAULT_DUPLICATE_WINDOW_DAYS, MIN_ACCESS_LOG_DAYS, Timeframes
from casework.privacy import mask_text
from casework.rows import ExportRow, NeedRow, VisitRow
from casework.workflow import IllegalTransition, check_transition, is_reopen
from storage import chat as chat_state
from storage import drafts
from storage.models import (
    Consultation,
    ConsultationResult,
    Household,
    QuestionLog,
    Role,
    User,
    utcnow,
)
from storage.models_needs import (
    CALLBACK_WINDOW_LENGTH,
    TARGET_LENGTH,
    AccessLog,
    Invitation,
    Need,
    NeedEvent,
    Visit,
)

MAX_TEXT = 1000  # a need's description, a note or a reason: a few sentences, not a case file
MAX_PAGE = 100
INVITE_PREFIX = "inv_"  # deep link: t.me/<bot>?start=inv_<token>
MAX_INVITE_TTL_HOURS = 24 * 30
STAFF_ROLES = frozenset({Role.STAFF, Role.COORDINATOR, Role.ADMIN})
OVERRIDE_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
INVITE_ROLES = STAFF_ROLES
_RANK = {Role.RESIDENT: 0, Role.STAFF: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}
_PROGRAM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ConsentRequired(ValueError):
    """A resident's own need cannot be stored before they agreed to what is stored, who sees it, how long."""


class NeedAnonymised(ValueError):
    """The need was anonymised by the retention job; it can be counted but no longer changed."""


class DuplicateSupport(ValueError):
    """A referral although the household already got support for the same programme recently."""

    def __init__(self, duplicates: Sequence[Need]) -> None:
        super().__init__("duplicate support: " + ", ".join(f"#{n.id}" for n in duplicates))
        self.duplicates = list(duplicates)


class InvitationError(ValueError):
    """`reason`: unknown, expired, used, revoked, or already (the user has this role or a higher one)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invitation {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class NeedLogged:
    need: Need | None  # None: not stored, because of duplicates and no override
    masked: bool  # the description held a 주민등록번호 or phone number, now replaced
    found: tuple[str, ...]  # what was masked: "rrn", "phone" (casework.privacy.masked_notice words it)
    duplicates: list[Need]  # open, or referred/resolved within the window, for the same programme

    @property
    def blocked(self) -> bool:
        return self.need is None


@dataclass(frozen=True, slots=True)
class Digest:
    new_since_yesterday: list[Need]
    unassigned: list[Need]
    overdue: list[Need]


@dataclass(frozen=True, slots=True)
class StaffSummary:
    user: User
    households: int  # households assigned to them
    open_needs: int  # needs assigned to them and still being worked on


@dataclass(frozen=True, slots=True)
class Revoked:
    user: User
    previous_role: Role
    needs_unassigned: int
    households_unassigned: int


@dataclass(frozen=True, slots=True)
class DueVisit:
    household: Household
    last_visited_at: dt.datetime | None  # None: never visited


@dataclass(frozen=True, slots=True)
class MyData:
    needs: list[Need]
    consultations: int
    questions: int
    answers: dict[str, Any]  # latest known value per question id over their own consultations


# --- helpers -----------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now if now is not None else utcnow()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass timezone-aware values")
    return moment


def _text(value: str, what: str) -> tuple[str, tuple[str, ...]]:
    """Stripped, length-checked and masked; refuses empty text."""
    stripped = value.strip()
    if not stripped:
        raise ValueError(f"{what} must not be empty")
    if len(stripped) > MAX_TEXT:
        raise ValueError(f"{what} is longer than {MAX_TEXT} characters")
    masked = mask_text(stripped)
    return masked.text, masked.found


def _note(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return _text(value, "note")[0]


def _programs(programs: Iterable[str]) -> list[str]:
    out: list[str] = []
    for program in programs:
        if not _PROGRAM_ID.match(program):
            raise ValueError(f"not a programme id: {program!r}")
        if program not in out:
            out.append(program)
    return out


def _live(need: Need) -> None:
    if need.anonymised_at is not None:
        raise NeedAnonymised(f"need #{need.id} was anonymised")


def _may_override(user: User | None, role: Role | None) -> User:
    if user is None:
        raise ValueError("override_by is required with override_reason")
    effective = Role(role) if role is not None else (Role(user.role) if user.active else Role.RESIDENT)
    if effective not in OVERRIDE_ROLES:
        raise PermissionError("only a coordinator or an admin may override a duplicate-support warning")
    return user


def _event(
    need: Need,
    *,
    actor: User | None,
    kind: EventKind,
    at: dt.datetime,
    from_status: NeedStatus | None = None,
    to_status: NeedStatus | None = None,
    note: str | None = None,
    assignee: User | None = None,
) -> NeedEvent:
    event = NeedEvent(
        actor_id=actor.id if actor is not None else None,
        at=at,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        assignee_id=assignee.id if assignee is not None else None,
        note=note,
    )
    need.events.append(event)
    return event


def _rowcount(result: Any) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0


# --- needs -------------------------------------------------------------------------------------------


def find_duplicates(
    s: Session,
    *,
    category: NeedCategory,
    programs: Iterable[str],
    household: Household | None = None,
    resident: User | None = None,
    window_days: int = DEFAULT_DUPLICATE_WINDOW_DAYS,
    statuses: Collection[NeedStatus] | None = None,
    exclude_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[Need]:
    """Needs of the same household (or resident) that would make this one duplicate support.

    Duplicate: still being worked on, or referred/resolved within window_days, and sharing a programme.
    A need without programmes (말벗, safety …) matches one of the same category without programmes.
    Closed unresolved needs never count: the household got nothing. Anonymised ones have no owner left.
    """
    if window_days < 0:
        raise ValueError("window_days must not be negative")
    if household is not None:
        owner = Need.household_id == household.id
    elif resident is not None:
        owner = Need.resident_user_id == resident.id
    else:
        return []
    cutoff = _now(now) - dt.timedelta(days=window_days)
    recent = or_(
        Need.status.in_(ACTIVE_STATUSES), and_(Need.status.in_(SUPPORTED_STATUSES), Need.closed_at >= cutoff)
    )
    query = select(Need).where(owner, Need.anonymised_at.is_(None), recent).order_by(Need.id)
    if statuses is not None:
        query = query.where(Need.status.in_([NeedStatus(st) for st in statuses]))
    if exclude_id is not None:
        query = query.where(Need.id != exclude_id)
    wanted = set(programs)
    category = NeedCategory(category)
    return [
        need
        for need in s.scalars(query)
        if (wanted & set(need.programs) if wanted else not need.programs and need.category == category)
    ]


def log_need(
    s: Session,
    *,
    created_by: User,
    category: NeedCategory,
    urgency: Urgency,
    description: str,
    timeframes: Timeframes,
    programs: Iterable[str] = (),
    household: Household | None = None,
    resident: User | None = None,
    consent_at: dt.datetime | None = None,
    callback_requested: bool = False,
    callback_window: str | None = None,
    consultation: Consultation | None = None,
    duplicate_window_days: int = DEFAULT_DUPLICATE_WINDOW_DAYS,
    override_by: User | None = None,
    override_reason: str | None = None,
    override_role: Role | None = None,
    now: dt.datetime | None = None,
) -> NeedLogged:
    """Store a need (status open, due date from timeframes) with its 'created' event.

    Exactly one of household (staff logging during a visit) and resident (a resident logging for
    themself, which needs consent_at). When duplicates exist and no override_reason is given, nothing
    is stored and the result lists them; with a reason, override_by must be a coordinator or admin
    (override_role, e.g. from handlers.guard.role_of, wins over the stored role) or PermissionError.
    """
    now = _now(now)
    if (household is None) == (resident is None):
        raise ValueError("a need is about a household or about the resident logging it: exactly one")
    if resident is not None and consent_at is None:
        raise ConsentRequired("a resident's need needs their consent before it is stored")
    category, urgency = NeedCategory(category), Urgency(urgency)
    text, found = _text(description, "description")
    window = _note(callback_window)
    if window is not None and len(window) > CALLBACK_WINDOW_LENGTH:
        raise ValueError(f"callback_window is longer than {CALLBACK_WINDOW_LENGTH} characters")
    wanted = _programs(programs)
    duplicates = find_duplicates(
        s,
        category=category,
        programs=wanted,
        household=household,
        resident=resident,
        window_days=duplicate_window_days,
        now=now,
    )
    reason: str | None = None
    overrider: User | None = None
    if duplicates:
        if override_reason is None:
            return NeedLogged(None, bool(found), found, duplicates)
        overrider = _may_override(override_by, override_role)
        reason = _text(override_reason, "override_reason")[0]
    need = Need(
        household=household,
        resident=resident,
        created_by=created_by,
        consultation_id=consultation.id if consultation is not None else None,
        category=category,
        urgency=urgency,
        description=text,
        programs=wanted,
        consent_at=consent_at,
        callback_requested=callback_requested or window is not None,
        callback_window=window,
        status=NeedStatus.OPEN,
        due_at=timeframes.due_at(now, category, urgency),
        created_at=now,
        updated_at=now,
        duplicate_override_reason=reason,
    )
    s.add(need)
    _event(need, actor=created_by, kind=EventKind.CREATED, at=now, to_status=NeedStatus.OPEN)
    if reason is not None:
        ids = ", ".join(f"#{d.id}" for d in duplicates)
        _event(need, actor=overrider, kind=EventKind.DUPLICATE_OVERRIDE, at=now, note=f"{reason} ({ids})")
    s.flush()
    return NeedLogged(need, bool(found), found, duplicates)


def assign(
    s: Session,
    need: Need,
    assignee: User,
    actor: User | None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> NeedEvent | None:
    """Give the need to a staff member: open → assigned; reassigning keeps assigned / in progress.

    Returns the 'assigned' event, or None when it already was theirs (no change, no event).
    """
    _live(need)
    now = _now(now)
    if need.status in CLOSED_STATUSES:
        raise IllegalTransition(need.status, NeedStatus.ASSIGNED, "not_allowed")
    if Role(assignee.role) not in STAFF_ROLES or not assignee.active:
        raise ValueError(f"user {assignee.id} is not active staff and cannot be assigned a need")
    if need.assignee_id == assignee.id:
        return None
    before = need.status
    after = NeedStatus.ASSIGNED if before == NeedStatus.OPEN else before
    if after != before:
        check_transition(before, after, note)
    need.assignee = assignee
    need.status = after
    need.updated_at = now
    event = _event(
        need,
        actor=actor,
        kind=EventKind.ASSIGNED,
        at=now,
        from_status=before,
        to_status=after,
        note=_note(note),
        assignee=assignee,
    )
    s.flush()
    return event


def change_status(
    s: Session,
    need: Need,
    to: NeedStatus,
    actor: User | None,
    note: str | None = None,
    *,
    now: dt.datetime | None = None,
    duplicate_window_days: int | None = None,
    override_reason: str | None = None,
    override_role: Role | None = None,
) -> NeedEvent:
    """Move the need along the workflow (casework.workflow.check_transition decides what is allowed).

    Entering referred / resolved / closed unresolved sets closed_at and close_reason (the note).
    Reopening (→ open, note required) clears them, takes the need off its assignee and gives it a new
    due date as far ahead as the original one was. Use assign() for → assigned.
    With duplicate_window_days, a referral is checked against the household's referred / resolved
    needs for the same programme: DuplicateSupport unless a coordinator gives override_reason.
    """
    _live(need)
    now = _now(now)
    to = NeedStatus(to)
    before = NeedStatus(need.status)
    if to == NeedStatus.ASSIGNED and before != to:
        raise ValueError("use assign() to assign a need: it needs an assignee")
    check_transition(before, to, note)
    clean = _note(note)
    if to == NeedStatus.REFERRED and duplicate_window_days is not None:
        duplicates = find_duplicates(
            s,
            category=need.category,
            programs=need.programs,
            household=need.household,
            resident=need.resident,
            window_days=duplicate_window_days,
            statuses=SUPPORTED_STATUSES,
            exclude_id=need.id,
            now=now,
        )
        if duplicates:
            if override_reason is None:
                raise DuplicateSupport(duplicates)
            overrider = _may_override(actor, override_role)
            reason = _text(override_reason, "override_reason")[0]
            need.duplicate_override_reason = reason
            ids = ", ".join(f"#{d.id}" for d in duplicates)
            _event(need, actor=overrider, kind=EventKind.DUPLICATE_OVERRIDE, at=now, note=f"{reason} ({ids})")
    reopen = is_reopen(before, to)
    need.status = to
    need.updated_at = now
    if to in CLOSED_STATUSES:
        need.closed_at = now
        need.close_reason = clean
    if reopen:
        need.due_at = now + (need.due_at - need.created_at)
        need.closed_at = None
        need.close_reason = None
        need.assignee = None
    event = _event(
        need,
        actor=actor,
        kind=EventKind.REOPENED if reopen else EventKind.STATUS,
        at=now,
        from_status=before,
        to_status=to,
        note=clean,
    )
    s.flush()
    return event


def add_note(
    s: Session, need: Need, actor: User | None, note: str, now: dt.datetime | None = None
) -> NeedEvent:
    _live(need)
    now = _now(now)
    text, _ = _text(note, "note")
    need.updated_at = now
    event = _event(need, actor=actor, kind=EventKind.NOTE, at=now, note=text)
    s.flush()
    return event


def need_history(s: Session, need_id: int) -> list[NeedEvent]:
    query = select(NeedEvent).where(NeedEvent.need_id == need_id).order_by(NeedEvent.at, NeedEvent.id)
    return list(s.scalars(query))


def get_need(s: Session, need_id: int) -> Need | None:
    """The need with its household, assignee and events loaded, so a card renders after the session."""
    # A query rather than Session.get: get() would return an already loaded need without its events.
    query = (
        select(Need)
        .where(Need.id == need_id)
        .options(selectinload(Need.household), selectinload(Need.assignee), selectinload(Need.events))
    )
    return s.scalars(query).one_or_none()


def _filters(
    *,
    status: NeedStatus | Iterable[NeedStatus] | None,
    category: NeedCategory | None,
    urgency: Urgency | None,
    assignee_id: int | None,
    unassigned: bool,
    household_id: int | None,
    overdue: bool | None,
    include_anonymised: bool,
    now: dt.datetime,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        statuses = [NeedStatus(status)] if isinstance(status, str) else [NeedStatus(st) for st in status]
        conditions.append(Need.status.in_(statuses))
    if category is not None:
        conditions.append(Need.category == NeedCategory(category))
    if urgency is not None:
        conditions.append(Need.urgency == Urgency(urgency))
    if assignee_id is not None:
        conditions.append(Need.assignee_id == assignee_id)
    if unassigned:
        conditions.append(Need.assignee_id.is_(None))
    if household_id is not None:
        conditions.append(Need.household_id == household_id)
    late = and_(Need.status.in_(ACTIVE_STATUSES), Need.due_at < now)
    if overdue is True:
        conditions.append(late)
    elif overdue is False:
        conditions.append(~late)
    if not include_anonymised:
        conditions.append(Need.anonymised_at.is_(None))
    return conditions


def list_needs(
    s: Session,
    *,
    status: NeedStatus | Iterable[NeedStatus] | None = None,
    category: NeedCategory | None = None,
    urgency: Urgency | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    household_id: int | None = None,
    overdue: bool | None = None,
    include_anonymised: bool = False,
    order: Literal["newest", "due"] = "newest",
    now: dt.datetime | None = None,
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[Need], int]:
    """One page of needs matching every filter given, and how many match in all.

    overdue=True: still being worked on and past due; False: everything else. Anonymised needs are left
    out unless asked for. order "newest" (logged last first) or "due" (earliest due first).
    """
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"offset must be ≥ 0 and limit 1 to {MAX_PAGE}")
    conditions = _filters(
        status=status,
        category=category,
        urgency=urgency,
        assignee_id=assignee_id,
        unassigned=unassigned,
        household_id=household_id,
        overdue=overdue,
        include_anonymised=include_anonymised,
        now=_now(now),
    )
    total = s.scalar(select(func.count(Need.id)).where(*conditions)) or 0
    ordering = (Need.created_at.desc(), Need.id.desc()) if order == "newest" else (Need.due_at, Need.id)
    query = (
        select(Need)
        .where(*conditions)
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
        .options(selectinload(Need.household), selectinload(Need.assignee))
    )
    return list(s.scalars(query)), total


def digest(s: Session, now: dt.datetime | None = None) -> Digest:
    """For the coordinators' daily message: logged in the last 24 hours, nobody's yet, past due."""
    now = _now(now)

    def needs(*conditions: ColumnElement[bool]) -> list[Need]:
        query = (
            select(Need)
            .where(Need.anonymised_at.is_(None), *conditions)
            .order_by(Need.due_at, Need.id)
            .options(selectinload(Need.household), selectinload(Need.assignee))
        )
        return list(s.scalars(query))

    return Digest(
        new_since_yesterday=needs(Need.created_at >= now - dt.timedelta(days=1)),
        unassigned=needs(Need.status.in_(ACTIVE_STATUSES), Need.assignee_id.is_(None)),
        overdue=needs(Need.status.in_(ACTIVE_STATUSES), Need.due_at < now),
    )


# --- statistics and export ---------------------------------------------------------------------------


def stats_rows(s: Session) -> list[NeedRow]:
    """Every need, anonymised ones included (they still count, without a household)."""
    rows = []
    for need in s.scalars(select(Need).order_by(Need.id)):
        if need.household_id is not None:
            key: str | None = f"h:{need.household_id}"
        elif need.resident_user_id is not None:
            key = f"r:{need.resident_user_id}"
        else:
            key = None
        rows.append(
            NeedRow(
                id=need.id,
                household_key=key,
                category=NeedCategory(need.category),
                urgency=Urgency(need.urgency),
                status=NeedStatus(need.status),
                created_at=need.created_at,
                due_at=need.due_at,
                closed_at=need.closed_at,
            )
        )
    return rows


def visits_rows(s: Session, since: dt.datetime | None = None) -> list[VisitRow]:
    query = select(Visit.household_id, Visit.staff_id, Visit.visited_at).order_by(Visit.id)
    if since is not None:
        query = query.where(Visit.visited_at >= since)
    return [VisitRow(household_id=h, staff_id=st, visited_at=at) for h, st, at in s.execute(query)]


def export_rows(
    s: Session,
    *,
    status: NeedStatus | Iterable[NeedStatus] | None = None,
    category: NeedCategory | None = None,
    since: dt.datetime | None = None,
) -> list[ExportRow]:
    """Needs for export, oldest first: household codes and internal ids only, never names or Telegram ids."""
    conditions = _filters(
        status=status,
        category=category,
        urgency=None,
        assignee_id=None,
        unassigned=False,
        household_id=None,
        overdue=None,
        include_anonymised=True,
        now=utcnow(),
    )
    if since is not None:
        conditions.append(Need.created_at >= since)
    query = (
        select(Need, Household.code)
        .outerjoin(Household, Household.id == Need.household_id)
        .where(*conditions)
        .order_by(Need.id)
    )
    return [
        ExportRow(
            need_id=need.id,
            household_code=code,
            by_resident=need.resident_user_id is not None,
            category=NeedCategory(need.category),
            urgency=Urgency(need.urgency),
            status=NeedStatus(need.status),
            programs=tuple(need.programs),
            created_at=need.created_at,
            due_at=need.due_at,
            assignee_id=need.assignee_id,
            closed_at=need.closed_at,
            description=need.description,
        )
        for need, code in s.execute(query)
    ]


# --- access log --------------------------------------------------------------------------------------


def record_access(
    s: Session,
    actor: User | None,
    action: AccessAction,
    target: str,
    reason: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> AccessLog:
    """One access-log row. actor None: the command line. An export must say why (reason)."""
    action = AccessAction(action)
    if not target or len(target) > TARGET_LENGTH:
        raise ValueError(f"target must be 1 to {TARGET_LENGTH} characters")
    clean_reason = _note(reason)
    if action == AccessAction.EXPORT and clean_reason is None:
        raise ValueError("an export needs a reason")
    row = AccessLog(
        actor_id=actor.id if actor is not None else None,
        at=_now(now),
        action=action,
        target=target,
        reason=clean_reason,
        detail=_note(detail),
    )
    s.add(row)
    s.flush()
    return row


def access_log(s: Session, *, actor_id: int | None = None, limit: int = 50) -> list[AccessLog]:
    query = select(AccessLog).order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)
    if actor_id is not None:
        query = query.where(AccessLog.actor_id == actor_id)
    return list(s.scalars(query))


def purge_access_log(s: Session, keep_days: int = MIN_ACCESS_LOG_DAYS, now: dt.datetime | None = None) -> int:
    """Delete entries older than keep_days, but never one younger than a year, whatever keep_days says."""
    cutoff = _now(now) - dt.timedelta(days=max(keep_days, MIN_ACCESS_LOG_DAYS))
    return _rowcount(s.execute(delete(AccessLog).where(AccessLog.at < cutoff)))


# --- invitations and staff ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_invitation(
    s: Session, role: Role, created_by: User | None, ttl_hours: int = 72, now: dt.datetime | None = None
) -> str:
    """A new one-time invitation granting role; returns the raw token, which is stored nowhere.

    The deep link is t.me/<bot>?start=inv_<token> (INVITE_PREFIX + token, 47 characters of the 64
    Telegram allows, all from its permitted alphabet).
    """
    role = Role(role)
    if role not in INVITE_ROLES:
        raise ValueError(f"invitations grant staff, coordinator or admin, not {role.value}")
    if not 1 <= ttl_hours <= MAX_INVITE_TTL_HOURS:
        raise ValueError(f"ttl_hours must be 1 to {MAX_INVITE_TTL_HOURS}")
    now = _now(now)
    token = secrets.token_urlsafe(32)  # 43 characters, 256 bits
    invitation = Invitation(
        token_hash=_token_hash(token),
        role=role,
        created_by_id=created_by.id if created_by is not None else None,
        created_at=now,
        expires_at=now + dt.timedelta(hours=ttl_hours),
    )
    s.add(invitation)
    s.flush()
    record_access(
        s, created_by, AccessAction.INVITE, f"invitation:{invitation.id}", detail=role.value, now=now
    )
    return token


def open_invitations(s: Session, now: dt.datetime | None = None) -> list[Invitation]:
    """Invitations that can still be redeemed, newest first."""
    query = (
        select(Invitation)
        .where(
            Invitation.used_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > _now(now)
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(s.scalars(query))


def revoke_invitation(
    s: Session, invitation_id: int, actor: User | None, now: dt.datetime | None = None
) -> bool:
    """Withdraw an unused invitation; False when there is none by that id or it was used or revoked."""
    invitation = s.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None or invitation.revoked_at is not None:
        return False
    now = _now(now)
    invitation.revoked_at = now
    record_access(s, actor, AccessAction.INVITE, f"invitation:{invitation.id}", detail="revoked", now=now)
    return True


def redeem_invitation(s: Session, token: str, user: User, now: dt.datetime | None = None) -> Role:
    """Use an invitation once: the user gets its role (and is active). InvitationError says why not.

    Accepts the token with or without the inv_ prefix. An invitation for a role the user already has
    (or one below it) is refused and left unused, so an admin tapping a staff link is not demoted.
    """
    now = _now(now)
    raw = token.strip().removeprefix(INVITE_PREFIX)
    if not _TOKEN.match(raw):
        raise InvitationError("unknown")
    invitation = s.scalars(select(Invitation).where(Invitation.token_hash == _token_hash(raw))).one_or_none()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.revoked_at is not None:
        raise InvitationError("revoked")
    if invitation.used_at is not None:
        raise InvitationError("used")
    if invitation.expires_at <= now:
        raise InvitationError("expired")
    role = Role(invitation.role)
    if user.active and _RANK[Role(user.role)] >= _RANK[role]:
        raise InvitationError("already")
    # Claimed with a conditional UPDATE: of two processes redeeming the same link at once, one wins.
    claimed = s.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(used_by_id=user.id, used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if _rowcount(claimed) != 1:
        raise InvitationError("used")
    user.role = role
    user.active = True
    s.flush()
    return role


def list_staff(s: Session) -> list[StaffSummary]:
    """Staff, coordinators and admins registered in the database, with their caseload sizes."""
    households = (
        select(Household.assigned_staff_id.label("uid"), func.count(Household.id).label("n"))
        .group_by(Household.assigned_staff_id)
        .subquery()
    )
    needs = (
        select(Need.assignee_id.label("uid"), func.count(Need.id).label("n"))
        .where(Need.status.in_(ACTIVE_STATUSES))
        .group_by(Need.assignee_id)
        .subquery()
    )
    query = (
        select(User, func.coalesce(households.c.n, 0), func.coalesce(needs.c.n, 0))
        .outerjoin(households, households.c.uid == User.id)
        .outerjoin(needs, needs.c.uid == User.id)
        .where(User.role.in_(STAFF_ROLES))
        .order_by(User.id)
    )
    return [StaffSummary(user, int(h), int(n)) for user, h, n in s.execute(query)]


def revoke_staff(s: Session, user: User, actor: User | None, now: dt.datetime | None = None) -> Revoked:
    """Back to resident (the account stays active). Their open needs go back to open, unassigned, with an
    'unassigned' event each, and their households leave their caseload, so nothing waits on them unseen.
    """
    previous = Role(user.role)
    if previous not in STAFF_ROLES:
        raise ValueError(f"user {user.id} is not staff")
    if actor is not None and actor.id == user.id:
        raise ValueError("staff cannot revoke themselves")
    now = _now(now)
    user.role = Role.RESIDENT
    mine = s.scalars(
        select(Need).where(Need.assignee_id == user.id, Need.status.in_(ACTIVE_STATUSES)).order_by(Need.id)
    ).all()
    for need in mine:
        before = NeedStatus(need.status)
        need.assignee = None
        need.status = NeedStatus.OPEN
        need.updated_at = now
        _event(
            need,
            actor=actor,
            kind=EventKind.UNASSIGNED,
            at=now,
            from_status=before,
            to_status=NeedStatus.OPEN,
            assignee=user,
        )
    households = s.scalars(select(Household).where(Household.assigned_staff_id == user.id)).all()
    for household in households:
        household.assigned_staff = None
    detail = f"{previous.value}→resident; needs {len(mine)}, households {len(households)}"
    record_access(s, actor, AccessAction.REVOKE_STAFF, f"user:{user.id}", detail=detail, now=now)
    return Revoked(user, previous, len(mine), len(households))


# --- visits ------------------------------------------------------------------------------------------


def record_visit(
    s: Session, household: Household, staff: User, now: dt.datetime | None = None, note: str | None = None
) -> Visit:
    visit = Visit(household=household, staff_id=staff.id, visited_at=_now(now), note=_note(note))
    s.add(visit)
    s.flush()
    return visit


def households_due_visit(
    s: Session, staff: User, days: int = 30, now: dt.datetime | None = None
) -> list[DueVisit]:
    """Households in the staff member's caseload nobody has visited for `days` days: never visited first.

    Caseload as in storage.repo.caseload: assigned to them, or created by them and assigned to nobody.
    A visit by anyone counts: the household was seen.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = _now(now) - dt.timedelta(days=days)
    last = (
        select(Visit.household_id, func.max(Visit.visited_at).label("at"))
        .group_by(Visit.household_id)
        .subquery()
    )
    mine = or_(
        Household.assigned_staff_id == staff.id,
        and_(Household.assigned_staff_id.is_(None), Household.created_by_id == staff.id),
    )
    query = (
        select(Household, last.c.at)
        .outerjoin(last, last.c.household_id == Household.id)
        .where(mine, or_(last.c.at.is_(None), last.c.at < cutoff))
        .order_by(case((last.c.at.is_(None), 0), else_=1), last.c.at, Household.id)
    )
    # max() keeps the column's type, so UTCDateTime hands back aware UTC values here too.
    return [DueVisit(household, at) for household, at in s.execute(query)]


def staff_due_visits(
    s: Session, days: int = 30, now: dt.datetime | None = None
) -> list[tuple[User, list[DueVisit]]]:
    """For the monthly reminder: every active staff member with at least one household due a visit."""
    out = []
    for summary in list_staff(s):
        if not summary.user.active:
            continue
        due = households_due_visit(s, summary.user, days, now)
        if due:
            out.append((summary.user, due))
    return out


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
    return MyData(needs=needs, consultations=len(consultations), questions=questions, answers=answers)


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
    """Delete the user's self-consultations (question logs, results) and the needs they logged about
    themselves (with events), their own /mydata access entries and, with chat_id, the chat's drafts
    (half-typed input) and what the chat's delivery state says about its last messages. Returns the
    number of rows removed.

    Kept: the user row (Telegram needs it to talk to them at all), needs staff logged for households,
    and a 'forget' access-log entry recording that this happened.
    """
    now = _now(now)
    own = _own_consultations(user)
    removed = 0
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
    s.flush()
    return done



@dataclass(frozen=True, slots=True)
class Purged:
    self_checks: int
    household_consultations: int
    visits: int
    drafts: int
    chat_states: int


def purge_personal_data(
    s: Session,
    *,
    self_check_days: int,
    household_consultation_days: int,
    visit_days: int,
    draft_hours: int,
    now: dt.datetime | None = None,
) -> Purged:
    """The retention job's part beyond needs: consultations untouched for their period are deleted
    (answers, question log, results); old visits lose their household and note (they still count);
    drafts older than draft_hours go, and so does the delivery state of chats idle for the
    self-check period (it holds no text: only counters and the last question's message id)."""
    now = _now(now)
    counts = []
    for own, days in (
        (Consultation.household_id.is_(None), self_check_days),
        (Consultation.household_id.is_not(None), household_consultation_days),
    ):
        old = select(Consultation.id).where(own, Consultation.updated_at < now - dt.timedelta(days=days))
        ids = [cid for (cid,) in s.execute(old)]
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
    return Purged(counts[0], counts[1], _rowcount(visits), gone, idle)
