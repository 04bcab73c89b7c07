"""Repository for the web desk's sign-in: one-time links and sessions, by hashes of their tokens.

A raw token leaves this module once (to be sent to the person or set as a cookie) and is stored
nowhere. Like every repository here, the caller's Session comes first and nothing commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.casework_base import _now, _rowcount
from storage.models_desk import DeskLink, DeskSession

# Links and sessions that ended this long ago are deleted by purge(); they prove nothing after that.
KEEP_ENDED = dt.timedelta(days=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def create_link(s: Session, user_id: int, via: str, minutes: float, now: dt.datetime | None = None) -> str:
    """A new single-use sign-in link for this user; returns the raw token (43 URL-safe characters)."""
    now = _now(now)
    token = secrets.token_urlsafe(32)
    s.add(
        DeskLink(
            token_hash=token_hash(token),
            user_id=user_id,
            via=via,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    s.flush()
    return token


def link_is_live(s: Session, token: str, now: dt.datetime | None = None) -> bool:
    """Whether the link would sign someone in now (for the confirmation page; does not use it up)."""
    now = _now(now)
    found = s.scalar(
        select(DeskLink.id).where(
            DeskLink.token_hash == token_hash(token), DeskLink.used_at.is_(None), DeskLink.expires_at > now
        )
    )
    return found is not None


def redeem_link(s: Session, token: str, now: dt.datetime | None = None) -> tuple[int, str] | None:
    """Use the link up: (user id, via), or None when unknown, used or expired.

    One UPDATE with the conditions in its WHERE clause, so two tabs racing for one link cannot both
    win, whichever process serves them.
    """
    now = _now(now)
    digest = token_hash(token)
    used = s.execute(
        update(DeskLink)
        .where(DeskLink.token_hash == digest, DeskLink.used_at.is_(None), DeskLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(used) != 1:
        return None
    row = s.execute(select(DeskLink.user_id, DeskLink.via).where(DeskLink.token_hash == digest)).one()
    return int(row[0]), str(row[1])


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes into the cookie, nowhere else
    csrf: str
    expires_at: dt.datetime


def create_session(
    s: Session, user_id: int, via: str, language: str, hours: float, now: dt.datetime | None = None
) -> NewSession:
    now = _now(now)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=hours)
    s.add(
        DeskSession(
            token_hash=token_hash(token),
            user_id=user_id,
            csrf=csrf,
            via=via,
            language=language,
            created_at=now,
            seen_at=now,
            expires_at=expires,
        )
    )
    s.flush()
    return NewSession(token, csrf, expires)


def live_session(
    s: Session, token: str, idle_minutes: float, now: dt.datetime | None = None
) -> DeskSession | None:
    """The session this cookie names, if it has neither expired nor sat idle too long."""
    now = _now(now)
    row = s.scalars(select(DeskSession).where(DeskSession.token_hash == token_hash(token))).one_or_none()
    if row is None or row.expires_at <= now or row.seen_at + dt.timedelta(minutes=idle_minutes) <= now:
        return None
    return row


def touch(s: Session, row: DeskSession, now: dt.datetime | None = None, every_s: float = 60) -> None:
    """Move the idle clock on; written at most once a minute so reading pages stays read-only."""
    now = _now(now)
    if (now - row.seen_at).total_seconds() >= every_s:
        row.seen_at = now


def end_session(s: Session, token: str) -> bool:
    return _rowcount(s.execute(delete(DeskSession).where(DeskSession.token_hash == token_hash(token)))) == 1


def end_sessions_of(s: Session, user_id: int) -> int:
    return _rowcount(s.execute(delete(DeskSession).where(DeskSession.user_id == user_id)))


def purge(s: Session, now: dt.datetime | None = None) -> int:
    """Delete links and sessions that ended more than a day ago."""
    cutoff = _now(now) - KEEP_ENDED
    links = s.execute(delete(DeskLink).where(or_(DeskLink.expires_at < cutoff, DeskLink.used_at < cutoff)))
    sessions = s.execute(delete(DeskSession).where(DeskSession.expires_at < cutoff))
    return _rowcount(links) + _rowcount(sessions)
