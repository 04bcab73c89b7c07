"""A small district for the desk's tests: two centres, headquarters, a partner, people of every desk
role, households, and needs in both centres (some overdue, one with a description that tries to run
a script)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.model import NeedCategory, Urgency
from casework.policy import Timeframes
from casework.roles import OrgKind, Role
from services import network
from storage import needs as needs_repo
from storage import repo
from storage.db import Database
from storage.models import Household, User

# Telegram ids
COORD_C1, COORD_C2, COORD_HQ, STAFF_C1, STAFF_C2, PARTNER, RESIDENT, HEAD_C1 = (
    3001,
    3002,
    3003,
    3004,
    3005,
    3006,
    3007,
    3008,
)
SCRIPT = '<script>alert("x")</script> 난방 고장'


@dataclass
class District:
    centre1: int
    centre2: int
    users: dict[int, int]  # telegram id → user id
    c1_needs: list[int]
    c2_needs: list[int]
    script_need: int


def seed(db: Database, now: dt.datetime | None = None) -> District:
    now = now or dt.datetime.now(dt.UTC)
    frames = Timeframes(urgent=1, normal=7, low=14)
    with db.session() as s:
        c1 = network.add_organisation(s, None, OrgKind.CENTRE, "C1", "역삼1동 행정복지센터")
        c2 = network.add_organisation(s, None, OrgKind.CENTRE, "C2", "역삼2동 행정복지센터")
        network.add_organisation(s, None, OrgKind.HEADQUARTERS, "HQ", "강남구 추진본부")
        network.add_organisation(s, None, OrgKind.PARTNER, "P1", "강남종합사회복지관")
        places = {
            COORD_C1: (Role.COORDINATOR, "C1"),
            COORD_C2: (Role.COORDINATOR, "C2"),
            COORD_HQ: (Role.COORDINATOR, "HQ"),
            STAFF_C1: (Role.STAFF, "C1"),
            STAFF_C2: (Role.STAFF, "C2"),
            PARTNER: (Role.PARTNER, "P1"),
            HEAD_C1: (Role.HEAD, "C1"),
        }
        users: dict[int, User] = {}
        for telegram_id, (role, code) in places.items():
            user = repo.set_role(s, telegram_id, role)
            network.move_user(s, None, user, code, role)
            users[telegram_id] = user
        users[RESIDENT] = repo.ensure_user(s, RESIDENT, "ko")
        s.flush()

        def household(code: str, centre: int, staff: User) -> Household:
            h = repo.create_household(s, code, staff)
            h.centre_id = centre
            h.assigned_staff = staff
            return h

        h1 = household("H-0001", c1.id, users[STAFF_C1])
        h2 = household("H-0002", c1.id, users[STAFF_C1])
        h3 = household("H-0003", c2.id, users[STAFF_C2])
        s.flush()

        def need(
            h: Household, staff: User, category: NeedCategory, urgency: Urgency, text: str, days: int
        ) -> int:
            logged = needs_repo.log_need(
                s,
                created_by=staff,
                category=category,
                urgency=urgency,
                description=text,
                timeframes=frames,
                household=h,
                centre_id=h.centre_id,
                now=now - dt.timedelta(days=days),
                override_reason="seed",
                override_by=users[COORD_HQ],
                override_role=Role.COORDINATOR,
            )
            assert logged.need is not None
            return logged.need.id

        c1_needs = [
            need(h1, users[STAFF_C1], NeedCategory.HEALTH, Urgency.URGENT, "병원 동행 필요", 3),
            need(h1, users[STAFF_C1], NeedCategory.COMPANIONSHIP, Urgency.NORMAL, "말벗 요청", 1),
            need(h2, users[STAFF_C1], NeedCategory.HOUSING, Urgency.LOW, "월세 부담", 20),
        ]
        script_need = need(h2, users[STAFF_C1], NeedCategory.DAILY_LIFE, Urgency.NORMAL, SCRIPT, 2)
        c1_needs.append(script_need)
        c2_needs = [
            need(h3, users[STAFF_C2], NeedCategory.INCOME, Urgency.URGENT, "생계 곤란", 5),
            need(h3, users[STAFF_C2], NeedCategory.HEALTH, Urgency.NORMAL, "약값", 1),
        ]
        ids = {t: u.id for t, u in users.items()}
        return District(c1.id, c2.id, ids, c1_needs, c2_needs, script_need)
