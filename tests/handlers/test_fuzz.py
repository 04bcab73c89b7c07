"""Issue 15, item 5: random updates across every state a chat can be in — consultations at any
question, need drafts at every step, notes and reasons, exports, invitations, old and forged buttons,
long and odd texts — as residents, staff, coordinators and an admin. No error may reach the error
handler, and Telegram must accept every reply: the in-process Bot API refuses, as Telegram does,
messages over 4,096 characters, HTML it cannot parse, callback data over 64 bytes, long captions
and notices (app.botapi_checks).

Before the fix this found replies over 4,096 characters (search after a long text, /check, a need
card with long notes, /mydata), notes over 1,000 characters and callback ids beyond the database
sent to the error handler, a 28-digit amount raising in parse_answer, and assigning a closed need
raising. BOKJI_FUZZ_UPDATES sets the number of updates per database (default 500; the issue's
sweep was 45,000).
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

from storage import drafts, repo, steps
from storage.models import Role
from tests.handlers.harness import Chat

UPDATES = int(os.environ.get("BOKJI_FUZZ_UPDATES", "500"))
PEOPLE = {2001: Role.RESIDENT, 2002: Role.RESIDENT, 2003: Role.STAFF, 2004: Role.COORDINATOR, 1: Role.ADMIN}
COMMANDS = [
    "/start", "/help", "/lang", "/cancel", "/need", "/need", "/need", "/needs", "/needs", "/needs overdue",
    "/needs closed", "/mydata",
    "/forget", "/privacy", "/household", "/household H-0001", "/household H-0002", "/household H-9999",
    "/visit H-0001", "/visit", "/check 72세 1인 월80만 독거", "/check", "/invite staff", "/invite",
    "/staff", "/export", "/frobnicate", "/start inv_nonsense", "/household 1234567890123456789",
]  # fmt: skip
ACTIONS = ["m", "s", "a", "t", "d", "n", "p", "c", "b", "r", "h", "hs", "q", "ns", "nk", "nu", "nx", "nb",
           "nm", "nl", "nc", "na", "nt", "nn", "sr", "fg", "zz"]  # fmt: skip
ODD_ARGS = ["0", "1", "2", "-1", "2147483647", "2147483648", "9223372036854775808", "9" * 40, "new", "all",
            "self", "yes", "no", "age", "open", "closed", "resolved", "income", "x", "1_2", "restart", "skip",
            "back", "help", "note", "override", "c", "p"]  # fmt: skip
WORDS = [
    "기초연금", "월세", "말벗", "72세", "80만원", "H-0001", "모름", "네", "아니요", "없음", "2", "0", "100",
    "010-1234-5678", "900101-1234567", "82-10-1234-5678", "구공공일공일 일이삼사오육칠", "1501011234567원",
    "hong@example.com", "101동 1203호", "세종대로 110", "<b>굵게</b>", "&amp;", "<script>", "🙂", "\x00",
    "\u200b", "1234567890123456789012345678", "1억 2천만", "3, 7", "English words", "\n",
]  # fmt: skip


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.1:
        return rng.choice(WORDS) * rng.randint(100, 4000)  # very long
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))


def _forged(rng: random.Random) -> str:
    parts = [rng.choice(ACTIONS), *(rng.choice(ODD_ARGS) for _ in range(rng.randint(0, 4)))]
    return ":".join(parts)[:64]


def _state(chat: Chat) -> tuple[str, str, str]:
    """Where a chat is: its role, the kind of question on screen, the draft step it waits in."""
    with chat.services.db.session() as s:
        c = steps.active(s, chat.chat_id)
        draft = drafts.get_draft(s, chat.chat_id)
        role = repo.get_user(s, chat.chat_id)
        qid = c.current_question if c is not None else None
        question = chat.services.manual.questions.get(qid) if qid else None
    return (
        str(role.role if role else "-"),
        "none" if c is None else (question.type.value if question else "asking"),
        "none" if draft is None else f"{draft.kind}:{draft.data.get('step', '')}",
    )


def _pending(chat: Chat) -> str:
    c = chat.consultation()
    assert c is not None and c.current_question is not None
    return c.current_question


async def _prelude(chats: dict[int, Chat], profile: dict[str, Any]) -> None:
    """Every chat in a different state before the walk, so old buttons of every kind exist."""
    done, asking, staff, coordinator, admin = chats[2001], chats[2002], chats[2003], chats[2004], chats[1]
    for chat in (done, asking):
        await chat.press("자가진단")
        await chat.press("전체")
    await done.consult(profile)
    for _ in range(2):  # the first two questions, whichever they are
        await asking.answer(profile.get(_pending(asking)))
    await asking.send("/need")
    await asking.press("말벗")
    await asking.press("보통")
    await asking.send("안부 전화가 필요해요")
    await asking.press("동의해요")
    await asking.press("전화는 필요 없어요")
    await asking.press("아니요")
    await staff.send("/household H-0001")
    await staff.press("이 가구 상담 시작")
    await staff.answer(profile.get(_pending(staff)))
    await staff.send("/need")
    await staff.send("H-0001")
    await staff.press("주거지원")
    await staff.press("긴급")
    await staff.send("월세가 밀렸어요")
    await coordinator.send("/needs")
    await admin.send("/staff")


@pytest.fixture
def errors(app_api: tuple[Any, Any]) -> list[str]:
    app, _ = app_api
    seen: list[str] = []

    async def spy(update: object, context: Any) -> None:
        seen.append(repr(context.error))

    app.add_error_handler(spy)
    return seen


async def test_random_updates_across_states_never_fail_and_every_reply_is_valid(
    chat_factory: Any, services: Any, errors: list[str], elderly_alone: dict[str, Any]
) -> None:
    rng = random.Random(int(os.environ.get("BOKJI_FUZZ_SEED", "20261205")))
    with services.db.session() as s:
        for telegram_id, role in PEOPLE.items():
            repo.set_role(s, telegram_id, role)
        staff = repo.get_user(s, 2003)
        mine = repo.create_household(s, "H-0001", staff)
        repo.create_household(s, "H-0002", None)
        repo.assign_staff(s, mine, staff)
    chats: dict[int, Chat] = {telegram_id: chat_factory(telegram_id) for telegram_id in PEOPLE}
    api = next(iter(chats.values())).api
    for chat in chats.values():
        await chat.send("/start")
    await _prelude(chats, elderly_alone)
    assert errors == [] and api.refused == []
    visited = {_state(chat) for chat in chats.values()}
    sent = 0
    chat = chats[2001]
    for _ in range(UPDATES):
        if rng.random() < 0.2:  # a few steps in one chat, then another: flows get somewhere
            chat = chats[rng.choice(list(chats))]
        roll = rng.random()
        messages = api.messages(chat.chat_id)
        buttons = [(m.message_id, data) for m in messages[-6:] for _, data in m.flat_buttons()]
        if roll < 0.55 and buttons:
            # Mostly the newest buttons (moving through a flow), sometimes an old one.
            newest = [b for b in buttons if b[0] == messages[-1].message_id] or buttons
            message_id, data = rng.choice(newest if rng.random() < 0.8 else buttons)
            await chat.press_data(data, message_id)
        elif roll < 0.78:
            await chat.send(_text(rng))
        elif roll < 0.92:
            await chat.send(rng.choice(COMMANDS))
        else:
            await chat.press_data(_forged(rng), messages[-1].message_id if messages else 1)
        sent += 1
        assert errors == [], (sent, errors[-1])
        assert api.refused == [], (sent, api.refused[-1])
        visited.add(_state(chat))
    assert sent == UPDATES
    print(f"fuzz: {sent} updates, {len(visited)} states: {sorted(visited)}")
    if UPDATES >= 500:
        # Roles × question kinds × draft steps the walk was in (with this seed).
        assert len(visited) >= 18
