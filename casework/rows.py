"""Plain rows the storage layer hands to statistics and exports, so those need no database to test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.model import NeedCategory, NeedStatus, Urgency


@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    # "h:<household id>" or "r:<resident user id>"; None once anonymised (the need still counts).
    household_key: str | None
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    created_at: dt.datetime
    due_at: dt.datetime
    closed_at: dt.datetime | None
    assignee_id: int | None = None


@dataclass(frozen=True, slots=True)
class VisitRow:
    household_id: int | None  # None once anonymised (the visit still counts)
    staff_id: int
    visited_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One need as exported: pseudonymous only. No names, no Telegram ids, the description already masked."""

    need_id: int
    household_code: str | None  # H-0042; None for a resident's own need or after anonymisation
    by_resident: bool
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    programs: tuple[str, ...]
    created_at: dt.datetime
    due_at: dt.datetime
    assignee_id: int | None  # internal user id, not a name
    closed_at: dt.datetime | None
    description: str | None  # None after anonymisation
