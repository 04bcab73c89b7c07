"""The web desk's own services: signing in without passwords, and the read models only the desk shows
(a centre's households with their figures, needs by centre, days to resolution). Everything else the
desk does goes through services.needs, services.network and services.reports, like the bot.

Who may sign in: the district's offices and partner users (the role in force: ADMIN_IDS first, a
revoked user counts as a resident). Every sign-in is an access-log row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.allocation import season_of
from casework.model import AccessAction
from casework.policy import KST
from casework.roles import OrgKind, Role
from casework.scope import Actor, household_scope, stats_scope
from services.actors import actor_of
from services.errors import Denied, Refused
from storage import desk, desk_queries, need_summary, scoping
from storage import needs as needs_repo
from storage.models import User, utcnow
from storage.models_desk import DeskSession

DESK_ROLES = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN, Role.PARTNER})


def role_in_force(user: User, admin_ids: Collection[int]) -> Role:
    """As the bot's guard decides it (handlers.guard.role_of): ADMIN_IDS first, revoked → resident."""
    if user.telegram_id in admin_ids:
        return Role.ADMIN
    return Role(user.role) if user.active else Role.RESIDENT


def _desk_user(s: Session, user: User | None, admin_ids: Collection[int]) -> tuple[User, Role]:
    if user is None:
        raise Denied("desk")
    role = role_in_force(user, admin_ids)
    if role not in DESK_ROLES:
        raise Denied("desk")
    return user, role


def issue_link(
    s: Session, telegram_id: int, admin_ids: Collection[int], minutes: float, via: str = "bot"
) -> str:
    """A one-time sign-in link's token for this Telegram user (the bot's /desk, or a framed Mini App)."""
    user = s.scalars(select(User).where(User.telegram_id == telegram_id)).one_or_none()
    user, _ = _desk_user(s, user, admin_ids)
    return desk.create_link(s, user.id, via, minutes)


@dataclass(frozen=True, slots=True)
class SignedIn:
    session: desk.NewSession
    user_id: int
    language: str


def _open(s: Session, user: User, via: str, hours: float, detail: str) -> SignedIn:
    new = desk.create_session(
        s, user.id, via, user.language if user.language in ("ko", "en") else "ko", hours
    )
    needs_repo.record_access(s, user, AccessAction.DESK_SIGN_IN, f"user:{user.id}", detail=detail)
    return SignedIn(new, user.id, user.language)


def open_session(s: Session, user_id: int, admin_ids: Collection[int], hours: float, detail: str) -> SignedIn:
    """After a link was used up (storage.desk.redeem_link, committed on its own): the session, if the
    person may still use the desk."""
    user, _ = _desk_user(s, s.get(User, user_id), admin_ids)
    return _open(s, user, "link", hours, detail)


def sign_in_with_webapp(s: Session, telegram_id: int, admin_ids: Collection[int], hours: float) -> SignedIn:
    """The Telegram user a validated Mini App initData names (validation is the caller's first step)."""
    user = s.scalars(select(User).where(User.telegram_id == telegram_id)).one_or_none()
    user, _ = _desk_user(s, user, admin_ids)
    return _open(s, user, "webapp", hours, "telegram mini app")


@dataclass(frozen=True, slots=True)
class Current:
    row: DeskSession
    user: User
    actor: Actor


def current(s: Session, token: str, admin_ids: Collection[int], idle_minutes: float) -> Current | None:
    """The signed-in person behind a cookie, with their role in force now (a revocation ends the desk at
    the next request, as it does in the chat)."""
    row = desk.live_session(s, token, idle_minutes)
    if row is None:
        return None
    user = s.get(User, row.user_id)
    if user is None:
        return None
    role = role_in_force(user, admin_ids)
    if role not in DESK_ROLES:
        desk.end_session(s, token)
        return None
    desk.touch(s, row)
    return Current(row, user, actor_of(s, user.id, role))


def sign_out(s: Session, row: DeskSession, user: User) -> None:
    s.delete(row)
    needs_repo.record_access(s, user, AccessAction.DESK_SIGN_OUT, f"user:{user.id}")


def log_request(s: Session, user: User, path: str, method: str, status: int) -> None:
    """Every page and action of the desk, one row each (the services add their own rows for what was
    looked at or changed)."""
    needs_repo.record_access(s, user, AccessAction.DESK, path[:64], detail=f"{method} {status}")


# --- read models only the desk shows ------------------------------------------------------------------


def households(
    s: Session,
    actor: Actor,
    *,
    code: str | None = None,
    centre_id: int | None = None,
    official_id: int | None = None,
    unvisited_days: int | None = None,
    order: desk_queries.HouseholdOrder = "code",
    offset: int = 0,
    limit: int = 25,
    today: dt.date | None = None,
) -> tuple[list[desk_queries.HouseholdLine], int, str]:
    """A page of the households this actor may open, with official, last visit, needs and this season's
    support; (lines, total, season)."""
    scope = household_scope(actor)
    if scope.nothing or not actor.office:
        raise Denied("households")
    if offset < 0 or not 1 <= limit <= 100:
        raise Refused("bad_page")
    today = today or utcnow().astimezone(KST).date()
    season = season_of(today)
    since = (
        dt.datetime.combine(today - dt.timedelta(days=unvisited_days), dt.time(), tzinfo=KST)
        if unvisited_days is not None
        else None
    )
    lines, total = desk_queries.households_page(
        s,
        scoping.household_clause(scope),
        code=code,
        centre_id=centre_id,
        official_id=official_id,
        unvisited_since=since,
        season=season,
        order=order,
        offset=offset,
        limit=limit,
    )
    return lines, total, season


@dataclass(frozen=True, slots=True)
class ChartExtras:
    by_centre: dict[int | None, tuple[int, int]]
    resolution: dict[str, int]


def chart_extras(s: Session, actor: Actor, centre_id: int | None = None) -> ChartExtras:
    """Needs per centre and days to resolution in bands, under the actor's statistics scope (read from
    the summary rows, like /stats)."""
    scope = stats_scope(actor)
    if scope is None:
        raise Denied("statistics")
    centres = scoping.stats_centres(scope, centre_id)
    hours = need_summary.resolution_hours(s, centres)
    return ChartExtras(need_summary.by_centre(s, centres), desk_queries.resolution_bands(hours))


def centres(s: Session, actor: Actor) -> dict[int, str]:
    """Centres the actor may filter by: every centre for the district-wide, their own otherwise."""
    found = desk_queries.organisations_by_id(s, OrgKind.CENTRE)
    if actor.district_wide:
        return {i: f"{o.code} {o.name}" for i, o in found.items()}
    return {i: f"{o.code} {o.name}" for i, o in found.items() if i == actor.centre_id}


def people(s: Session, actor: Actor) -> list[User]:
    """Officials a list can be filtered by: the actor's centre and headquarters, or everyone."""
    if actor.district_wide:
        return desk_queries.office_people(s, None)
    hq = [o.id for o in desk_queries.organisations_by_id(s, OrgKind.HEADQUARTERS).values()]
    own = [actor.org_id] if actor.org_id is not None else []
    return desk_queries.office_people(s, own + hq)
