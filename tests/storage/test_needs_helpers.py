"""Shared set-up for the casework storage tests (no tests here; the name keeps it with its siblings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from casework.model import NeedCategory, Urgency
from casework.policy import Timeframes
from storage import needs, repo
from storage.models import Household, Role, User
from storage.models_needs import Need

NOW = dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC)  # 09:00 in Korea
TIMEFRAMES = Timeframes()


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class People:
    admin: User
    coordinator: User
    staff: User
    staff2: User
    resident: User
    other_resident: User
    h1: Household
    h2: Household
    h3: Household


def seed_people(s: Session) -> People:
    def user(telegram_id: int, role: Role) -> User:
        return repo.set_role(s, telegram_id, role)

    admin = user(100, Role.ADMIN)
    coordinator = user(200, Role.COORDINATOR)
    staff = user(300, Role.STAFF)
    staff2 = user(301, Role.STAFF)
    resident = user(400, Role.RESIDENT)
    other = user(401, Role.RESIDENT)
    h1 = repo.create_household(s, "H-0001", staff)
    h2 = repo.create_household(s, "H-0002", staff)
    h3 = repo.create_household(s, "H-0003", staff2)
    repo.assign_staff(s, h1, staff)
    s.flush()
    return People(admin, coordinator, staff, staff2, resident, other, h1, h2, h3)


def log(s: Session, p: People, **overrides: Any) -> Need:
    """A household need logged by staff, stored (fails the test if it was blocked as a duplicate)."""
    arguments: dict[str, Any] = {
        "created_by": p.staff,
        "category": NeedCategory.HOUSING,
        "urgency": Urgency.NORMAL,
        "description": "월세가 밀려 있음",
        "household": p.h1,
        "timeframes": TIMEFRAMES,
        "now": NOW,
    }
    arguments.update(overrides)
    logged = needs.log_need(s, **arguments)
    assert logged.need is not None, f"blocked by duplicates {logged.duplicates}"
    return logged.need
