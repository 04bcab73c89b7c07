"""Who may do what: every command and every button tried as each role, and forged buttons."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import Services
from handlers.callbacks import Action
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat

R, S, C, A = Role.RESIDENT, Role.STAFF, Role.COORDINATOR, Role.ADMIN
H, P, RP = Role.HEAD, Role.PARTNER, Role.REPORTER
EVERYONE, STAFF_UP, COORD_UP, ADMIN_ONLY = {R, S, C, A, H, P, RP}, {S, C, A, H}, {C, A}, {A}
HEADS, PARTNERS, SUPPORT, REPORTERS = {H, C, A}, {P}, {S, H, C, A, P}, {RP, S, H, C, A}

# The matrix a district would sign off, written out rather than read from the guard.
COMMANDS: dict[str, set[Role]] = {
    "/start": EVERYONE,
    "/help": EVERYONE,
    "/lang": EVERYONE,
    "/cancel": EVERYONE,
    "/need": EVERYONE,
    "/mydata": EVERYONE,
    "/forget": EVERYONE,
    "/household H-0001": STAFF_UP,
    "/check 72세 1인": STAFF_UP,
    "/visit H-0001": STAFF_UP,
    "/needs": STAFF_UP,
    "/stats": HEADS,
    "/export csv": HEADS,
    "/review": HEADS,
    "/meeting": HEADS,
    "/referrals": PARTNERS,
    "/alloc H-0001": SUPPORT,
    "/allocs": SUPPORT,
    "/report": REPORTERS,
    "/myreports": REPORTERS,
    "/org list": ADMIN_ONLY,
    "/move 1 C1": ADMIN_ONLY,
    "/handover H-0001 1": HEADS,
    "/link 1 H-0001": STAFF_UP,
    "/invite staff": ADMIN_ONLY,
    "/staff": ADMIN_ONLY,
}
CALLBACKS: dict[str, set[Role]] = {
    "m:self": EVERYONE,
    "m:records": STAFF_UP,
    "s:all": EVERYONE,
    "p:basic_pension": EVERYONE,
    "b:income": EVERYONE,
    "c:basic_pension": EVERYONE,
    "ns:x:0": EVERYONE,
    "fg:no": EVERYONE,
    "h:new": STAFF_UP,
    "hs:1:0": STAFF_UP,
    "q:1:age": STAFF_UP,
    "nl:open:0": STAFF_UP,
    "nc:1": STAFF_UP,
    "nt:1:in_progress": STAFF_UP,
    "nn:1": STAFF_UP,
    "na:1:0": HEADS,
    "nr:1:ok": HEADS,
    "nz:yes": EVERYONE,
    "rf:1:0:x": COORD_UP,
    "rs:1:1:a": COORD_UP,
    "ry:1:1:a:no": EVERYONE,
    "pr:1:accept": PARTNERS,
    "mt:1:mark": HEADS,
    "rl:1:write": EVERYONE,
    "ak:1:kimjang": SUPPORT,
    "ao:1": SUPPORT,
    "rg:done": REPORTERS,
    "ru:urgent": REPORTERS,
    "sr:1": ADMIN_ONLY,
    "rv:1:docs": EVERYONE,
    "tp:x:0": EVERYONE,
    "rm:1:menu": EVERYONE,
    "rb:1:3": EVERYONE,
    "fu:1:received": EVERYONE,
}
IDS = {R: 801, S: 802, C: 803, A: 804, H: 805, P: 806, RP: 807}
DENIED = "이 기능은"  # "이 기능은 … 만 쓸 수 있어요": the refusal, naming who may


@pytest.fixture
def chats(chat_factory: Any, services: Services) -> dict[Role, Chat]:
    from casework.roles import OrgKind
    from storage import district

    with services.db.session() as s:
        centre = district.create_organisation(s, OrgKind.CENTRE, "C1", "역삼1동")
        partner = district.create_organisation(s, OrgKind.PARTNER, "P1", "복지관")
        for role, telegram_id in IDS.items():
            user = repo.set_role(s, telegram_id, role)
            if role in (H, RP):
                district.place_user(s, user, centre)
            elif role == P:
                district.place_user(s, user, partner)
        repo.create_household(s, "H-0001", None)
    return {role: chat_factory(telegram_id) for role, telegram_id in IDS.items()}


def _denied_text(chat: Chat) -> str:
    call = chat.api.calls[-1]
    if call.method == "answerCallbackQuery":
        return str(call.params.get("text") or "")
    return chat.last().text if chat.api.messages(chat.chat_id) else ""


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_every_command_checks_the_role(chats: dict[Role, Chat], command: str) -> None:
    for role, chat in chats.items():
        shown = await chat.send(command)
        denied = any(DENIED in m.text for m in shown)
        assert denied == (role not in COMMANDS[command]), f"{command} as {role.value}"


@pytest.mark.parametrize("data", list(CALLBACKS))
async def test_every_button_checks_the_role(chats: dict[Role, Chat], data: str) -> None:
    for role, chat in chats.items():
        await chat.send("/help")  # a message for the button to belong to
        await chat.press_data(data)
        denied = DENIED in _denied_text(chat)
        assert denied == (role not in CALLBACKS[data]), f"{data} as {role.value}"


def test_the_matrix_covers_every_action() -> None:
    assert {Action(d.split(":")[0]) for d in CALLBACKS} | {
        Action.SCOPE,
        Action.ANSWER,
        Action.TOGGLE,
        Action.DONE,
        Action.NAV,
        Action.RESULTS,
        Action.NEED_CATEGORY,
        Action.NEED_URGENCY,
        Action.NEED_CONSENT,
        Action.NEED_CALLBACK,
        Action.NEED_DUPLICATE,
    } == set(Action)


@pytest.mark.parametrize("data", ["nc:999", "nt:999:resolved", "na:999:1", "q:999:age", "hs:999:1", "sr:999"])
async def test_buttons_naming_records_that_do_not_exist_are_refused(
    chats: dict[Role, Chat], data: str
) -> None:
    chat = chats[A]
    await chat.send("/help")
    await chat.press_data(data)
    assert chat.api.calls[-1].method == "answerCallbackQuery"
    assert chat.api.calls[-1].params.get("text"), "a refusal says why"


async def test_staff_cannot_open_someone_elses_need_by_forging_its_id(
    chats: dict[Role, Chat], services: Services
) -> None:
    coordinator, staff = chats[C], chats[S]
    await coordinator.send("/need")
    await coordinator.send("H-0001")
    await coordinator.press("말벗")
    await coordinator.press("보통")
    await coordinator.send("안부 확인 필요")
    from storage import needs as needs_repo

    with services.db.session() as s:
        (need,), _ = needs_repo.list_needs(s)
        need_id = need.id
    await staff.send("/help")
    for data in (f"nc:{need_id}", f"nt:{need_id}:closed_unresolved", f"nn:{need_id}"):
        await staff.press_data(data)
        assert "권한이 없어요" in str(staff.api.calls[-1].params.get("text"))
    with services.db.session() as s:
        still = needs_repo.get_need(s, need_id)
        assert still is not None and still.status == "open"
