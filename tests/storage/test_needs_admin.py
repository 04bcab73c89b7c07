from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from casework.model import AccessAction, EventKind, NeedStatus
from storage import needs, repo
from storage.db import Database
from storage.models import Role, User
from storage.models_needs import AccessLog, Invitation
from tests.storage.test_needs_helpers import NOW, days, log, seed_people

HOUR = days(1 / 24)


def _role(user: User) -> Role:
    return user.role  # a call: mypy would keep an earlier narrowing of user.role


def test_an_invitation_stores_only_the_hash_and_grants_its_role_once(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        token = needs.create_invitation(s, Role.STAFF, p.admin, ttl_hours=72, now=NOW)
        newcomer = repo.ensure_user(s, 500)
    assert len(needs.INVITE_PREFIX + token) <= 64
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM invitations")).mappings().one()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    with db.session() as s:
        user = repo.get_user(s, 500)
        assert user is not None and user.role == Role.RESIDENT
        assert needs.redeem_invitation(s, needs.INVITE_PREFIX + token, user, now=NOW + HOUR) == Role.STAFF
        assert _role(user) == Role.STAFF and user.active
    with db.session() as s:
        invitation = s.scalars(select(Invitation)).one()
        assert invitation.used_by_id == newcomer.id and invitation.used_at == NOW + HOUR
        other = repo.ensure_user(s, 501)
        with pytest.raises(needs.InvitationError) as caught:
            needs.redeem_invitation(s, token, other, now=NOW + 2 * HOUR)
        assert caught.value.reason == "used"
        assert other.role == Role.RESIDENT


@pytest.mark.parametrize(
    ("when", "revoke", "reason"),
    [(days(3), False, "expired"), (days(3) - HOUR, True, "revoked")],
)
def test_expired_and_revoked_invitations_are_refused(db: Database, when, revoke: bool, reason: str) -> None:
    with db.session() as s:
        p = seed_people(s)
        token = needs.create_invitation(s, Role.COORDINATOR, p.admin, now=NOW)
        invitation = s.scalars(select(Invitation)).one()
        if revoke:
            assert needs.revoke_invitation(s, invitation.id, p.admin, now=NOW + HOUR)
            assert not needs.revoke_invitation(s, invitation.id, p.admin, now=NOW + HOUR)
        with pytest.raises(needs.InvitationError) as caught:
            needs.redeem_invitation(s, token, p.resident, now=NOW + when)
        assert caught.value.reason == reason
        assert p.resident.role == Role.RESIDENT and invitation.used_at is None


def test_open_invitations_and_unknown_tokens(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        fresh = needs.create_invitation(s, Role.STAFF, p.admin, ttl_hours=48, now=NOW)
        needs.create_invitation(s, Role.STAFF, p.admin, ttl_hours=1, now=NOW)
        assert [i.expires_at for i in needs.open_invitations(s, now=NOW + 2 * HOUR)] == [NOW + days(2)]
        for bad in ("", "inv_", "x" * 43, fresh[:-1], fresh + "'; DROP TABLE users; --"):
            with pytest.raises(needs.InvitationError) as caught:
                needs.redeem_invitation(s, bad, p.resident, now=NOW)
            assert caught.value.reason == "unknown"


def test_an_invitation_never_demotes(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        token = needs.create_invitation(s, Role.STAFF, p.admin, now=NOW)
        with pytest.raises(needs.InvitationError) as caught:
            needs.redeem_invitation(s, token, p.coordinator, now=NOW)
        assert caught.value.reason == "already" and p.coordinator.role == Role.COORDINATOR
        # Left unused, so the person it was meant for can still use it.
        assert needs.redeem_invitation(s, token, p.resident, now=NOW) == Role.STAFF


@pytest.mark.parametrize(("role", "ttl"), [(Role.RESIDENT, 72), (Role.STAFF, 0), (Role.STAFF, 24 * 31)])
def test_invitation_arguments_are_checked(db: Database, role: Role, ttl: int) -> None:
    with db.session() as s:
        p = seed_people(s)
        with pytest.raises(ValueError):
            needs.create_invitation(s, role, p.admin, ttl_hours=ttl, now=NOW)


def test_invitations_are_in_the_access_log(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        needs.create_invitation(s, Role.STAFF, p.admin, now=NOW)
        entry = s.scalars(select(AccessLog)).one()
        assert (entry.action, entry.actor_id, entry.detail) == (AccessAction.INVITE, p.admin.id, "staff")
        assert entry.target.startswith("invitation:")


def test_list_staff_with_caseload_sizes(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        repo.assign_staff(s, p.h2, p.staff)
        repo.assign_staff(s, p.h3, p.staff2)
        needs.assign(s, log(s, p), p.staff, p.coordinator, now=NOW)
        needs.assign(s, log(s, p, household=p.h2), p.staff, p.coordinator, now=NOW)
        s.flush()
        summary = {
            row.user.telegram_id: (row.user.role, row.households, row.open_needs)
            for row in needs.list_staff(s)
        }
    assert summary == {
        100: (Role.ADMIN, 0, 0),
        200: (Role.COORDINATOR, 0, 0),
        300: (Role.STAFF, 2, 2),
        301: (Role.STAFF, 1, 0),
    }


def test_revoking_staff_hands_their_work_back(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        working = log(s, p)
        needs.assign(s, working, p.staff, p.coordinator, now=NOW)
        needs.change_status(s, working, NeedStatus.IN_PROGRESS, p.staff, now=NOW)
        done = log(s, p, household=p.h2)
        needs.assign(s, done, p.staff, p.coordinator, now=NOW)
        needs.change_status(s, done, NeedStatus.IN_PROGRESS, p.staff, now=NOW)
        needs.change_status(s, done, NeedStatus.RESOLVED, p.staff, now=NOW)
        with pytest.raises(ValueError, match="themselves"):
            needs.revoke_staff(s, p.staff, p.staff)
        result = needs.revoke_staff(s, p.staff, p.admin, now=NOW + days(1))
        assert (result.previous_role, result.needs_unassigned, result.households_unassigned) == (
            Role.STAFF,
            1,
            1,
        )
        assert p.staff.role == Role.RESIDENT and p.staff.active
        assert working.status == NeedStatus.OPEN and working.assignee_id is None
        assert done.status == NeedStatus.RESOLVED and done.assignee_id == p.staff.id  # history stays
        assert p.h1.assigned_staff_id is None
        last = needs.need_history(s, working.id)[-1]
        assert (last.kind, last.actor_id, last.from_status, last.to_status, last.assignee_id) == (
            EventKind.UNASSIGNED, p.admin.id, NeedStatus.IN_PROGRESS, NeedStatus.OPEN, p.staff.id,
        )  # fmt: skip
        entry = s.scalars(select(AccessLog).where(AccessLog.action == AccessAction.REVOKE_STAFF)).one()
        assert entry.actor_id == p.admin.id and entry.target == f"user:{p.staff.id}"
        with pytest.raises(ValueError, match="not staff"):
            needs.revoke_staff(s, p.staff, p.admin)


def test_households_due_a_visit(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        # staff: h1 (assigned) and h2 (created by them, assigned to nobody); staff2: h3.
        needs.record_visit(s, p.h1, p.staff2, now=NOW - days(45))
        needs.record_visit(s, p.h1, p.staff, now=NOW - days(31), note="전화 010-1234-5678 받음")
        visit = needs.record_visit(s, p.h3, p.staff2, now=NOW - days(3))
        assert visit.note is None
        due = needs.households_due_visit(s, p.staff, days=30, now=NOW)
        assert [(d.household.code, d.last_visited_at) for d in due] == [
            ("H-0002", None),  # never visited comes first
            ("H-0001", NOW - days(31)),
        ]
        assert [d.household.code for d in needs.households_due_visit(s, p.staff, days=40, now=NOW)] == [
            "H-0002"
        ]
        assert needs.households_due_visit(s, p.staff2, now=NOW) == []
        reminders = needs.staff_due_visits(s, days=30, now=NOW)
        assert [(user.telegram_id, len(due)) for user, due in reminders] == [(300, 2)]
        stored_note = s.scalar(
            select(text("note")).select_from(text("visits")).where(text("note IS NOT NULL"))
        )
        assert stored_note == "전화 [전화번호] 받음"
        with pytest.raises(ValueError):
            needs.households_due_visit(s, p.staff, days=0)
