"""What one need contributes to the statistics' summary rows, as pure functions.

Statistics read small rows of counts instead of every need (storage.need_summary keeps them). A need
adds 1 to one row of each kind below; a change to a need takes 1 from the rows it counted in before and
adds 1 to the rows it counts in after. So the rows are exact as long as every change goes through
`delta`, and rebuilding them from the needs is `contributions` summed over every need.

| kind | key | counts |
|---|---|---|
| `counts` | centre, category, status, urgency | every need |
| `months` | centre, month logged ("YYYY-MM", Korean time) | every need |
| `due` | centre, due date (Korean calendar) | needs still being worked on (the overdue figure) |
| `assignees` | assignee, centre, status | needs with an assignee (follow-up per official) |
| `resolutions` | centre, hours from logging to resolution, begun hours | resolved needs (median, bands) |
| `owners` | centre or DISTRICT, "h" / "r", household or resident id | needs of a household, else a resident |

Centre 0 stands for "no centre" (a district that has not set up centres). `owners` has a row per
centre and one for the whole district, because a household counted in two centres is still one
household of the district.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from casework.model import ACTIVE_STATUSES, NeedCategory, NeedStatus, Urgency
from casework.policy import KST

NO_CENTRE = 0
DISTRICT = -1  # the owners' rows of the whole district
HOUSEHOLD = "h"
RESIDENT = "r"
_HOUR = dt.timedelta(hours=1)


class Kind(StrEnum):
    COUNTS = "counts"
    MONTHS = "months"
    DUE = "due"
    ASSIGNEES = "assignees"
    RESOLUTIONS = "resolutions"
    OWNERS = "owners"


Key = tuple[int | str | dt.date, ...]
Delta = Counter[tuple[Kind, Key]]


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """The facts of one need that statistics count (everything else about it may change freely)."""

    centre_id: int | None
    category: NeedCategory
    status: NeedStatus
    urgency: Urgency
    created_at: dt.datetime
    due_at: dt.datetime
    closed_at: dt.datetime | None
    assignee_id: int | None
    household_id: int | None
    resident_user_id: int | None


def month_of(moment: dt.datetime) -> str:
    """The month in Korean time: a need logged at 23:30 KST on 31 October belongs to October."""
    return moment.astimezone(KST).strftime("%Y-%m")


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(KST).date()


def resolution_hours(created_at: dt.datetime, closed_at: dt.datetime) -> int:
    """Hours from logging to resolution, each begun hour counted (so "≤ N days" is "≤ 24·N hours")."""
    return -((created_at - closed_at) // _HOUR)


def contributions(facts: SummaryFacts) -> list[tuple[Kind, Key]]:
    """The summary rows this need counts in, one each."""
    centre = facts.centre_id if facts.centre_id is not None else NO_CENTRE
    status = NeedStatus(facts.status)
    rows: list[tuple[Kind, Key]] = [
        (
            Kind.COUNTS,
            (centre, NeedCategory(facts.category).value, status.value, Urgency(facts.urgency).value),
        ),
        (Kind.MONTHS, (centre, month_of(facts.created_at))),
    ]
    if status in ACTIVE_STATUSES:
        rows.append((Kind.DUE, (centre, local_date(facts.due_at))))
    if facts.assignee_id is not None:
        rows.append((Kind.ASSIGNEES, (facts.assignee_id, centre, status.value)))
    if status == NeedStatus.RESOLVED and facts.closed_at is not None:
        rows.append((Kind.RESOLUTIONS, (centre, resolution_hours(facts.created_at, facts.closed_at))))
    # Whose need it is: the household's, else the resident's own (none once anonymised).
    if facts.household_id is not None:
        owner: tuple[str, int] | None = (HOUSEHOLD, facts.household_id)
    elif facts.resident_user_id is not None:
        owner = (RESIDENT, facts.resident_user_id)
    else:
        owner = None
    if owner is not None:
        rows.append((Kind.OWNERS, (centre, *owner)))
        rows.append((Kind.OWNERS, (DISTRICT, *owner)))
    return rows


def delta(before: SummaryFacts | None, after: SummaryFacts | None) -> Delta:
    """What a change does to the summary rows: −1 where the need counted, +1 where it counts now.

    before None: the need is new; after None: it is deleted. Rows whose count does not change are left out.
    """
    change: Delta = Counter()
    if before is not None:
        for row in contributions(before):
            change[row] -= 1
    if after is not None:
        for row in contributions(after):
            change[row] += 1
    return Counter({row: n for row, n in change.items() if n})


def median_days(hours: dict[int, int]) -> float | None:
    """The median of resolution times given as {begun hours: how many needs}, in days."""
    total = sum(hours.values())
    if total <= 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based ranks of the middle one or two
    found: list[int] = []
    seen = 0
    for h in sorted(hours):
        n = hours[h]
        while wanted and wanted[0] < seen + n:
            found.append(h)
            wanted.pop(0)
        seen += n
        if not wanted:
            break
    return sum(found) / len(found) / 24
