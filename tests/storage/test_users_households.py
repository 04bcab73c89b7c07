from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from storage import repo
from storage.db import Database
from storage.models import Household, Role, User


def test_ensure_user_creates_a_korean_resident_once(db: Database) -> None:
    with db.session() as s:
        assert repo.get_user(s, 500) is None
        created = repo.ensure_user(s, 500)
        again = repo.ensure_user(s, 500)
        assert again is created
    with db.session() as s:
        user = repo.get_user(s, 500)
        assert user is not None
        assert (user.role, user.language, user.active) == (Role.RESIDENT, "ko", True)
        assert len(repo.list_users(s)) == 1


def test_ensure_user_updates_language_from_telegram_tags(db: Database) -> None:
    with db.session() as s:
        repo.ensure_user(s, 501, "en-GB")
    with db.session() as s:
        assert repo.ensure_user(s, 501).language == "en"  # not given: unchanged
        repo.ensure_user(s, 501, "KO")
    with db.session() as s:
        user = repo.get_user(s, 501)
        assert user is not None and user.language == "ko"


@pytest.mark.parametrize("bad", ["", "korean", "k", "12", "en GB"])
def test_malformed_language_is_refused(db: Database, bad: str) -> None:
    with pytest.raises(ValueError), db.session() as s:
        repo.ensure_user(s, 502, bad)


def test_telegram_ids_beyond_32_bits(db: Database) -> None:
    big = 7_123_456_789_012
    with db.session() as s:
        repo.ensure_user(s, big)
    with db.session() as s:
        user = repo.get_user(s, big)
        assert user is not None and user.telegram_id == big


def test_set_role_creates_or_changes_and_list_users_filters(db: Database) -> None:
    with db.session() as s:
        repo.ensure_user(s, 1)
        repo.set_role(s, 2, Role.STAFF)  # unknown so far: created
        repo.set_role(s, 3, Role.STAFF)
        repo.set_role(s, 1, Role.COORDINATOR)
        repo.set_role(s, 4, Role.ADMIN)
    with db.session() as s:
        assert [u.telegram_id for u in repo.list_users(s, Role.STAFF)] == [2, 3]
        assert [u.telegram_id for u in repo.list_users(s, Role.COORDINATOR)] == [1]
        assert repo.list_users(s, Role.RESIDENT) == []
        assert [u.telegram_id for u in repo.list_users(s)] == [1, 2, 3, 4]
        staff = repo.get_user(s, 2)
        assert staff is not None and staff.role is Role.STAFF


def test_role_is_stored_as_its_value(db: Database) -> None:
    with db.session() as s:
        repo.set_role(s, 5, Role.COORDINATOR)
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT role FROM users WHERE telegram_id = 5").scalar()
    assert raw == "coordinator"


def test_telegram_id_is_unique(db: Database) -> None:
    with db.session() as s:
        repo.ensure_user(s, 6)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(User(telegram_id=6))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("H-0042", "H-0042"),
        ("h0042", "H-0042"),
        (" h-0042 ", "H-0042"),
        ("H 0042", "H-0042"),
        ("H_0042", "H-0042"),
        ("Ｈ－００４２", "H-0042"),  # full-width, as a Korean keyboard may produce
        ("H-00042", "H-0042"),  # one number, one code
        ("h123456", "H-123456"),
        ("H-12345", "H-12345"),
    ],
)
def test_household_code_normalisation(text: str, code: str) -> None:
    assert repo.normalise_household_code(text) == code
    assert repo.HOUSEHOLD_CODE.match(code)


@pytest.mark.parametrize(
    "text", ["", "H-42", "H-042", "H-1234567", "X-0042", "0042", "H--0042", "김철수", "H-00a2"]
)
def test_not_household_codes(text: str) -> None:
    assert repo.normalise_household_code(text) is None


def test_create_household_normalises_and_refuses_bad_or_duplicate_codes(db: Database) -> None:
    with db.session() as s:
        staff = repo.set_role(s, 20, Role.STAFF)
        household = repo.create_household(s, "h0042", staff)
        assert household.code == "H-0042"
        assert household.created_by_id == staff.id
        with pytest.raises(ValueError, match="H-0042"):
            repo.create_household(s, "kim chul-soo", staff)
        with pytest.raises(repo.DuplicateHouseholdError):
            repo.create_household(s, "H 0042", None)
    with db.session() as s:
        found = repo.household_by_code(s, "h-0042")
        assert found is not None and found.code == "H-0042"
        assert repo.household_by_code(s, "H-0043") is None
        assert repo.household_by_code(s, "nonsense") is None


def test_household_code_is_unique_in_the_database(db: Database) -> None:
    with db.session() as s:
        repo.create_household(s, "H-0001", None)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Household(code="H-0001"))


def test_next_household_code(db: Database) -> None:
    with db.session() as s:
        assert repo.next_household_code(s) == "H-0001"
        repo.create_household(s, "H-0042", None)
        repo.create_household(s, "H-0007", None)
        assert repo.next_household_code(s) == "H-0043"
        repo.create_household(s, "H-9999", None)
        assert repo.next_household_code(s) == "H-10000"
        repo.create_household(s, repo.next_household_code(s), None)
        assert repo.household_by_code(s, "H-10000") is not None


def test_household_by_id(db: Database) -> None:
    with db.session() as s:
        hid = repo.create_household(s, "H-0005", None).id
    with db.session() as s:
        found = repo.household_by_id(s, hid)
        assert found is not None and found.code == "H-0005"
        assert repo.household_by_id(s, hid + 1000) is None


def test_caseload_is_assigned_or_own_unassigned_households_most_recent_first(db: Database) -> None:
    from storage.models import Channel

    with db.session() as s:
        staff = repo.set_role(s, 30, Role.STAFF)
        other = repo.set_role(s, 31, Role.STAFF)
        own_old = repo.create_household(s, "H-0001", staff)
        own_visited = repo.create_household(s, "H-0002", staff)
        given_away = repo.create_household(s, "H-0003", staff)
        assigned = repo.create_household(s, "H-0004", other)
        repo.create_household(s, "H-0005", other)  # someone else's
        repo.assign_staff(s, given_away, other)
        repo.assign_staff(s, assigned, staff)
        own_old.created_at -= dt.timedelta(days=3)
        own_visited.created_at -= dt.timedelta(days=2)
        assigned.created_at -= dt.timedelta(days=1)
        repo.start_consultation(
            s, chat_id=1, user=staff, channel=Channel.TELEGRAM, language="ko", household_id=own_visited.id
        )
        staff_id, other_id = staff.id, other.id
    with db.session() as s:
        staff = repo.list_users(s, Role.STAFF)[0]
        assert staff.id == staff_id
        assert [h.code for h in repo.caseload(s, staff)] == ["H-0002", "H-0004", "H-0001"]
        assert [h.code for h in repo.caseload(s, staff, limit=2)] == ["H-0002", "H-0004"]
        other = repo.list_users(s, Role.STAFF)[1]
        assert other.id == other_id
        assert [h.code for h in repo.caseload(s, other)] == ["H-0005", "H-0003"]


def test_caller_reads_role_and_language_without_loading_a_user(db: Database) -> None:
    with db.session() as s:
        assert repo.caller(s, 4242) is None
        user = repo.ensure_user(s, 4242, "en-GB")
        repo.set_role(s, 4242, Role.STAFF)
        s.flush()
        expected = repo.Caller(user.id, 4242, Role.STAFF, "en", True)
        assert repo.caller_of(user) == expected
    with db.session() as s:
        found = repo.caller(s, 4242)
        assert found == expected
        assert isinstance(found.role, Role)
        assert s.identity_map.keys() == set()  # no ORM object was built for it
