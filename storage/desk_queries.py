"""What the web desk reads beyond the bot's lists: a page of households with their figures, needs by
centre, days to resolution in bands, and the people a filter can name. Scoped by the caller's clause
(storage.scoping), paged in SQL, and for a page of households the figures are read for that page only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from casework.model import ACTIVE_STATUSES
from casework.roles import OrgKind, Role
from storage.models import Household, User
from storage.models_district import Allocation, Organisation
from storage.models_needs import Need, Visit

HouseholdOrder = Literal["code", "visit"]
# Days from logging to resolution, in the bands a coordinator reports: the chart's x axis.
RESOLUTION_BANDS: tuple[tuple[float, str], ...] = ((1, "≤1"), (3, "≤3"), (7, "≤7"), (14, "≤14"), (30, "≤30"))
OVER = ">30"


@dataclass(frozen=True, slots=True)
class HouseholdLine:
    id: int
    code: str
    centre_id: int | None
    official_id: int | None
    last_visit: dt.datetime | None
    active_needs: int
    needs: int
    allocations: int  # in the season given


def households_page(
    s: Session,
    clause: ColumnElement[bool],
    *,
    code: str | None = None,
    centre_id: int | None = None,
    official_id: int | None = None,
    unvisited_since: dt.datetime | None = None,
    season: str,
    order: HouseholdOrder = "code",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[HouseholdLine], int]:
    conditions: list[ColumnElement[bool]] = [clause]
    if code:
        conditions.append(Household.code.startswith(code.upper(), autoescape=True))
    if centre_id is not None:
        conditions.append(Household.centre_id == centre_id)
    if official_id is not None:
        conditions.append(Household.assigned_staff_id == official_id)
    last = select(Visit.household_id, func.max(Visit.visited_at).label("last")).group_by(Visit.household_id)
    needs_visit = order == "visit" or unvisited_since is not None
    lv = last.subquery() if needs_visit else None
    total_query = select(func.count()).select_from(Household)
    page_query = select(Household.id, Household.code, Household.centre_id, Household.assigned_staff_id)
    if lv is not None:
        total_query = total_query.outerjoin(lv, lv.c.household_id == Household.id)
        page_query = page_query.outerjoin(lv, lv.c.household_id == Household.id)
        if unvisited_since is not None:
            conditions.append((lv.c.last.is_(None)) | (lv.c.last < unvisited_since))
    total = int(s.scalar(total_query.where(*conditions)) or 0)
    if order == "visit" and lv is not None:
        # Never visited first, then the longest ago: the order a round of visits is planned in.
        ordering: Sequence[Any] = (lv.c.last.is_not(None), lv.c.last, Household.id)
    else:
        ordering = (Household.code,)
    rows = s.execute(page_query.where(*conditions).order_by(*ordering).offset(offset).limit(limit)).all()
    ids = [int(r[0]) for r in rows]
    if not ids:
        return [], total
    visits: dict[int, dt.datetime] = {
        int(h): at for h, at in s.execute(last.where(Visit.household_id.in_(ids))).all() if h is not None
    }
    counts = {
        int(h or 0): (int(active), int(n))
        for h, active, n in s.execute(
            select(
                Need.household_id,
                func.count(Need.id).filter(Need.status.in_(ACTIVE_STATUSES)),
                func.count(Need.id),
            )
            .where(Need.household_id.in_(ids), Need.anonymised_at.is_(None))
            .group_by(Need.household_id)
        )
    }
    given: dict[int, int] = {
        int(h or 0): int(n)
        for h, n in s.execute(
            select(Allocation.household_id, func.count(Allocation.id))
            .where(Allocation.household_id.in_(ids), Allocation.season == season)
            .group_by(Allocation.household_id)
        ).all()
    }
    return [
        HouseholdLine(
            id=int(r[0]),
            code=str(r[1]),
            centre_id=r[2],
            official_id=r[3],
            last_visit=visits.get(int(r[0])),
            active_needs=counts.get(int(r[0]), (0, 0))[0],
            needs=counts.get(int(r[0]), (0, 0))[1],
            allocations=int(given.get(int(r[0]), 0)),
        )
        for r in rows
    ], total


def resolution_bands(hours: dict[int, int]) -> dict[str, int]:
    """Resolved needs by days from logging to resolution (every band present, zeros included), from
    {begun hours to resolution: needs} (storage.need_summary): "≤ N days" is "≤ 24·N begun hours"."""
    limits = [(int(limit * 24), name) for limit, name in RESOLUTION_BANDS]
    found = dict.fromkeys([*(name for _, name in RESOLUTION_BANDS), OVER], 0)
    for h, n in hours.items():
        found[next((name for limit, name in limits if h <= limit), OVER)] += n
    return found


def organisations_by_id(s: Session, kind: OrgKind | None = None) -> dict[int, Organisation]:
    query = select(Organisation).order_by(Organisation.code)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return {o.id: o for o in s.scalars(query)}


def office_people(s: Session, org_ids: Sequence[int] | None, limit: int = 500) -> list[User]:
    """Active staff, heads and coordinators (of these organisations; None: everywhere), by id."""
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.STAFF, Role.HEAD, Role.COORDINATOR]))
        .order_by(User.id)
        .limit(limit)
    )
    if org_ids is not None:
        query = query.where(User.organisation_id.in_(list(org_ids)))
    return list(s.scalars(query))
