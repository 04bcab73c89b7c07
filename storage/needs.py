"""Repository functions for casework: needs and their audit trail, invitations, visits, privacy jobs.

Like storage.repo: the caller's Session comes first and nothing here commits. Every change to a need
adds a NeedEvent (who, when, from, to, note); nothing is edited silently. Free text (descriptions,
notes, reasons) is masked for 주민등록번호 and phone numbers before it reaches the database.
Permission to run a command is the handlers' job (handlers.guard); the checks here are the ones the
data itself needs (consent, who may override a duplicate warning, one-time invitations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from casework import need as domain
from casework.model import (
    ACTIVE_STATUSES,
    SUPPORTED_STATUSES,
    EventKind,
    NeedCategory,
    NeedStatus,
    Urgency,
)
from casework.policy import DEFAULT_DUPLICATE_WINDOW_DAYS, Timeframes
from casework.workflow import check_transition
from storage.casework_base import (
    INVITE_PREFIX,
    MAX_PAGE,
    MAX_TEXT,
    STAFF_ROLES,
    ConsentRequired,
    DuplicateSupport,
    NeedAnonymised,
    NeedLogged,
    _event,
    _live,
    _may_override,
    _note,
    _now,
    _programs,
    _text,
)
from storage.models import (
    Consultation,
    Household,
    Role,
    User,
)
from storage.models_needs import (
    CALLBACK_WINDOW_LENGTH,
    Need,
    NeedEvent,
)

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
    centre_id: int | None = None,
    review_required: bool = False,
    reported_by: User | None = None,
    relay_consent: bool = False,
) -> NeedLogged:
    """Store a need (status open, due date from timeframes) with its 'created' event.

    Exactly one of household (staff logging during a visit) and resident (a resident logging for
    themself, which needs consent_at). When duplicates exist and no override_reason is given, nothing
    is stored and the result lists them; with a reason, override_by must be a coordinator or admin
    (override_role, e.g. from handlers.guard.role_of, wins over the stored role) or PermissionError.
    """
    now = _now(now)
    if sum(x is not None for x in (household, resident, reported_by)) != 1:
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
        status=domain.initial_status(review_required),
        centre_id=centre_id if centre_id is not None else (household.centre_id if household else None),
        reported_by_id=reported_by.id if reported_by is not None else None,
        relay_consent_at=consent_at if relay_consent and resident is not None else None,
        due_at=timeframes.due_at(now, category, urgency),
        created_at=now,
        updated_at=now,
        duplicate_override_reason=reason,
    )
    s.add(need)
    _event(need, actor=created_by, kind=EventKind.CREATED, at=now, to_status=need.status)
    if reason is not None:
        ids = ", ".join(f"#{d.id}" for d in duplicates)
        _event(need, actor=overrider, kind=EventKind.DUPLICATE_OVERRIDE, at=now, note=f"{reason} ({ids})")
    s.flush()
    return NeedLogged(need, bool(found), found, duplicates)


def state_of(need: Need) -> domain.NeedState:
    """The row's state as the domain model sees it."""
    return domain.NeedState(
        status=NeedStatus(need.status),
        assignee_id=need.assignee_id,
        created_at=need.created_at,
        due_at=need.due_at,
        closed_at=need.closed_at,
        close_reason=need.close_reason,
        anonymised=need.anonymised_at is not None,
    )


def apply(need: Need, change: domain.Change, actor: User | None, now: dt.datetime) -> NeedEvent:
    """Write a domain change back onto the row, with its event."""
    state = change.state
    need.status = state.status
    if state.assignee_id is None:
        need.assignee = None
    need.assignee_id = state.assignee_id
    need.due_at, need.closed_at, need.close_reason = state.due_at, state.closed_at, state.close_reason
    need.updated_at = now
    return _event(
        need,
        actor=actor,
        kind=change.kind,
        at=now,
        from_status=change.from_status,
        to_status=change.to_status,
        note=change.note,
        assignee_id=change.assignee_id,
    )


def review(
    s: Session,
    need: Need,
    actor: User,
    *,
    approve: bool,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> NeedEvent:
    """The head of the centre's check: into the coordinators' queue, or turned down with a reason."""
    now = _now(now)
    event = apply(need, domain.review(state_of(need), approve=approve, now=now, note=_note(note)), actor, now)
    s.flush()
    return event


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
    now = _now(now)
    change = domain.assign(
        state_of(need),
        assignee.id,
        assignee_is_staff=Role(assignee.role) in STAFF_ROLES and assignee.active,
        now=now,
        note=_note(note),
    )
    if change is None:
        return None
    need.assignee = assignee
    event = apply(need, change, actor, now)
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
    event = apply(need, domain.change_status(state_of(need), to, now=now, note=clean), actor, now)
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


# Split by concern; these names stay importable from storage.needs for every caller.
from storage.access import access_log, purge_access_log, record_access  # noqa: E402
from storage.need_queries import (  # noqa: E402
    Digest,
    digest,
    export_rows,
    list_needs,
    stats_rows,
    visits_rows,
)
from storage.people import (  # noqa: E402
    InvitationError,
    Revoked,
    StaffSummary,
    create_invitation,
    list_staff,
    open_invitations,
    redeem_invitation,
    revoke_invitation,
    revoke_staff,
)
from storage.retention import (  # noqa: E402
    MyData,
    Purged,
    anonymise_closed,
    forget_resident,
    my_data,
    purge_personal_data,
)
from storage.visits import DueVisit, households_due_visit, record_visit, staff_due_visits  # noqa: E402

__all__ = [
    "INVITE_PREFIX",
    "MAX_PAGE",
    "MAX_TEXT",
    "ConsentRequired",
    "Digest",
    "DueVisit",
    "DuplicateSupport",
    "InvitationError",
    "MyData",
    "NeedAnonymised",
    "NeedLogged",
    "Purged",
    "Revoked",
    "StaffSummary",
    "access_log",
    "add_note",
    "anonymise_closed",
    "assign",
    "change_status",
    "create_invitation",
    "digest",
    "export_rows",
    "find_duplicates",
    "forget_resident",
    "get_need",
    "households_due_visit",
    "list_needs",
    "list_staff",
    "log_need",
    "my_data",
    "need_history",
    "open_invitations",
    "purge_access_log",
    "purge_personal_data",
    "record_access",
    "record_visit",
    "redeem_invitation",
    "revoke_invitation",
    "revoke_staff",
    "staff_due_visits",
    "stats_rows",
    "visits_rows",
]
