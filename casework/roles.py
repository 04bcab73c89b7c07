"""Who people are to the district: roles and the kinds of organisation they belong to.

Stored as plain strings (see storage.models), so a new member needs no migration. storage.models
re-exports Role, so `from storage.models import Role` keeps working everywhere.
"""

from __future__ import annotations

from enum import StrEnum

import catalogue


class Role(StrEnum):
    RESIDENT = "resident"
    REPORTER = "reporter"  # 명예사회복지공무원, 복지통장: reports households that seem to be in crisis
    PARTNER = "partner"  # a user of a partner organisation (종합사회복지관, 협의체)
    STAFF = "staff"  # 방문 공무원, 동 복지담당: a caseload of matched households
    HEAD = "head"  # 동장·팀장: reviews what the centre's staff recorded
    COORDINATOR = "coordinator"  # at a centre or at headquarters (추진본부)
    ADMIN = "admin"  # sets up centres and partners


class OrgKind(StrEnum):
    CENTRE = "centre"  # 동 행정복지센터
    HEADQUARTERS = "headquarters"  # 구 추진본부 and the welfare departments
    PARTNER = "partner"  # 종합사회복지관, 협의체 and other agencies in case meetings


# Roles that belong to the district's own offices (a centre or headquarters).
OFFICE_ROLES = frozenset({Role.STAFF, Role.HEAD, Role.COORDINATOR, Role.ADMIN})
# Which organisation kind each role may belong to (None: no organisation needed).
ROLE_ORG_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.RESIDENT: frozenset(),
    Role.REPORTER: frozenset({OrgKind.CENTRE}),
    Role.PARTNER: frozenset({OrgKind.PARTNER}),
    Role.STAFF: frozenset({OrgKind.CENTRE, OrgKind.HEADQUARTERS}),
    Role.HEAD: frozenset({OrgKind.CENTRE}),
    Role.COORDINATOR: frozenset({OrgKind.CENTRE, OrgKind.HEADQUARTERS}),
    Role.ADMIN: frozenset({OrgKind.CENTRE, OrgKind.HEADQUARTERS}),
}
# A role that needs an organisation to be useful (a partner user without a partner sees nothing).
ORG_REQUIRED = frozenset({Role.REPORTER, Role.PARTNER, Role.HEAD})


def role_label(role: Role, lang: str = "ko") -> str:
    return catalogue.t(f"labels.role.{Role(role).value}", lang)


def kind_label(kind: OrgKind, lang: str = "ko") -> str:
    return catalogue.t(f"labels.org_kind.{OrgKind(kind).value}", lang)


def may_belong(role: Role, kind: OrgKind | None) -> bool:
    """Whether a user with this role may belong to an organisation of this kind (None: to none)."""
    if kind is None:
        return Role(role) not in ORG_REQUIRED
    return OrgKind(kind) in ROLE_ORG_KINDS[Role(role)]
