"""Issue 15, item 3: one authorisation decision per action, re-checked at use; household views
access-logged. Each test failed before the fix."""

from __future__ import annotations

from typing import Any

from casework.model import AccessAction
from storage import needs as needs_repo
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat


def _staff(services: Any, telegram_id: int, role: Role = Role.STAFF) -> None:
    with services.db.session() as s:
        repo.set_role(s, telegram_id, role)


def _log(services: Any, action: AccessAction) -> list[Any]:
    with services.db.session() as s:
        return [e for e in needs_repo.access_log(s, limit=500) if e.action == action]


async def test_a_revoked_staff_member_loses_the_household_at_once_old_buttons_included(
    chat_factory: Any, services: Any, elderly_alone: dict[str, Any]
) -> None:
    """Revoked staff could still open a household's results from an old button, keep answering its
    consultation, restart it and log a need for it."""
    _staff(services, 1601)
    staff: Chat = chat_factory(1601)
    await staff.send("/start")
    await staff.press("상담 기록")
    await staff.press("새 가구")
    await staff.press("이 가구 상담 시작")
    done = staff.consultation()
    assert done is not None and done.household_id is not None
    await staff.consult(elderly_alone)
    finished = staff.consultation()
    assert finished is not None and finished.state == "results"
    await staff.send("/household H-0001")  # its history
    await staff.press("이 가구 상담 시작")
    ongoing = staff.consultation()
    assert ongoing is not None and ongoing.current_question is not None
    with services.db.session() as s:
        admin = repo.ensure_user(s, 1)
        target = repo.get_user(s, 1601)
        assert target is not None
        needs_repo.revoke_staff(s, target, admin)

    before = len(_log(services, AccessAction.DENIED))
    for data in (
        f"r:{finished.id}",  # the old results button
        f"a:{ongoing.id}:{ongoing.current_question}:true",  # answering on
        f"n:{ongoing.id}:restart",
        f"n:{ongoing.id}:skip",
        f"ns:c:{finished.id}",  # logging a need from the old results
    ):
        await staff.press_data(data)
        notice = str(staff.api.calls[-1].params.get("text") or "")
        assert staff.api.calls[-1].method == "answerCallbackQuery" and notice, data
    shown = await staff.send("78")  # typing an answer
    assert "권한이 없어요" in shown[-1].text
    shown = await staff.press_data("m:resume")
    after = staff.consultation()
    assert after is not None and after.id == ongoing.id and after.answers == ongoing.answers
    assert len(_log(services, AccessAction.DENIED)) > before
    with services.db.session() as s:
        assert needs_repo.list_needs(s, include_anonymised=True)[1] == 0


async def test_staff_see_only_their_own_households_and_every_view_is_logged(
    chat_factory: Any, services: Any
) -> None:
    """Any staff member could read any household's history by its sequential code, unlogged."""
    _staff(services, 1602)
    _staff(services, 1603)
    _staff(services, 1604, Role.COORDINATOR)
    with services.db.session() as s:
        mine = repo.create_household(s, "H-0001", repo.get_user(s, 1602))
        repo.create_household(s, "H-0002", None)
        mine_id = mine.id
    owner: Chat = chat_factory(1602)
    other: Chat = chat_factory(1603)
    coordinator: Chat = chat_factory(1604)
    shown = await owner.send("/household H-0001")
    assert "가구 H-0001" in shown[-1].text
    for chat, code in ((other, "H-0001"), (owner, "H-0002")):
        shown = await chat.send(f"/household {code}")
        assert "볼 권한이 없어요" in shown[-1].text, (chat.chat_id, code)
    shown = await other.press_data(f"hs:{mine_id}:1")  # a forged start-with-reuse button
    assert other.api.calls[-1].method == "answerCallbackQuery"
    assert other.consultation() is None
    shown = await other.send("/visit H-0001")
    assert "방문을 기록했어요" not in shown[-1].text
    shown = await coordinator.send("H-0002")
    assert "가구 H-0002" in shown[-1].text
    views = _log(services, AccessAction.VIEW_HOUSEHOLD)
    assert sorted((v.target, v.detail) for v in views) == sorted(
        [(f"household:{mine_id}", "history"), ("household:2", "history")]
    )
    denied = _log(services, AccessAction.DENIED)
    assert {d.target for d in denied} == {f"household:{mine_id}", "household:2"}


async def test_a_demoted_coordinator_cannot_finish_an_export_begun_before(
    chat_factory: Any, services: Any
) -> None:
    _staff(services, 1605, Role.COORDINATOR)
    coordinator: Chat = chat_factory(1605)
    await coordinator.send("/export csv")
    _staff(services, 1605, Role.STAFF)
    shown = await coordinator.send("월간 보고")
    assert not any(m.document for m in shown) and "담당 공무원만" in shown[-1].text
    assert _log(services, AccessAction.EXPORT) == []
