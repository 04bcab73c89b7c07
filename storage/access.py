"""The access log: who looked at or exported residents' data, when and why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casework.model import (
    AccessAction,
)
from casework.policy import MIN_ACCESS_LOG_DAYS
from storage.casework_base import (
    _note,
    _now,
    _rowcount,
)
from storage.models import (
    User,
)
from storage.models_needs import (
    TARGET_LENGTH,
    AccessLog,
)

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
