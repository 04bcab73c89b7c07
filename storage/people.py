"""Invitations (one-time links granting a role) and the staff list, with revoking."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casework.model import (
    ACTIVE_STATUSES,
    AccessAction,
    EventKind,
    NeedStatus,
)
from storage.access import record_access
from storage.casework_base import (
    _RANK,
    _TOKEN,
    INVITE_PREFIX,
    INVITE_ROLES,
    MAX_INVITE_TTL_HOURS,
    STAFF_ROLES,
    _event,
    _now,
    _rowcount,
)
from storage.models import (
    Household,
    Role,
    User,
)
from storage.models_needs import (
    Invitation,
    Need,
)


class InvitationError(ValueError):
    """`reason`: unknown, expired, used, revoked, or already (the user has this role or a higher one)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invitation {reason}")
        self.reason = reason


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
    # The invitation names the centre, headquarters or partner the person joins.
    user.organisation_id = invitation.organisation_id
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
