"""Staff mode, restarts, concurrent chats, tampered buttons."""

from __future__ import annotations

import asyncio
from html import escape
from typing import Any

from app.services import Services
from bench import answers_of
from knowledge.model import QuestionType
from storage import repo
from storage.models import Role
from tests.handlers.harness import Chat, make_app


def _make_staff(services: Services, telegram_id: int) -> None:
    with services.db.session() as s:
        repo.set_role(s, telegram_id, Role.STAFF)


async def test_staff_consults_for_a_household_and_reuses_answers(
    chat_factory: Any, services: Services, elderly_alone: dict[str, Any]
) -> None:
    _make_staff(services, 601)
    chat: Chat = chat_factory(601)
    shown = await chat.send("/start")
    await chat.press("상담 기록")
    shown = await chat.press("새 가구")
    assert "H-" in shown[-1].text and "이전 상담이 없어요" in shown[-1].text
    await chat.press("이 가구 상담 시작")
    first = chat.consultation()
    assert first is not None and first.household_id is not None
    asked_first = await chat.consult(elderly_alone)
    with services.db.session() as s:
        household = repo.household_by_id(s, first.household_id)
        assert household is not None
        code = household.code
    shown = await chat.send(code.lower().replace("-", ""))  # staff type codes loosely
    history = shown[-1].text
    assert code in history and "이전 상담 1건" in history
    await chat.press("다시 쓰기")
    second = chat.consultation()
    assert second is not None and second.id != first.id
    asked_second = await chat.consult(elderly_alone)
    assert len(asked_second) < len(asked_first), (asked_first, asked_second)
    assert "상담 결과" in chat.last().text or "상담 결과" in chat.texts()


async def test_residents_cannot_use_staff_features(chat_factory: Any, services: Services) -> None:
    chat: Chat = chat_factory(602)
    shown = await chat.send("/household H-0001")
    assert "담당 공무원만" in shown[-1].text
    await chat.send("/start")
    shown = await chat.press_data("m:records")
    assert chat.api.calls[-1].method == "answerCallbackQuery"
    assert "담당 공무원만" in str(chat.api.calls[-1].params.get("text"))
    await chat.press_data("hs:1:1")
    assert "담당 공무원만" in str(chat.api.calls[-1].params.get("text"))


async def test_tampered_callback_data_is_refused(chat_factory: Any, services: Services) -> None:
    owner: Chat = chat_factory(603)
    await owner.send("/start")
    await owner.press("자가진단")
    await owner.press("전체")
    c = owner.consultation()
    assert c is not None
    intruder: Chat = chat_factory(604)
    await intruder.send("/start")
    # another chat's consultation id, an unknown action, garbage arguments, a bogus choice
    for data in (
        f"a:{c.id}:age:true",
        "zz:1",
        "a:1:2",
        f"n:{c.id}:back",
        "p:no_such_programme",
        "s:nowhere",
        "a:abc:age:1",
    ):
        await intruder.press_data(data)
        assert intruder.api.calls[-1].method == "answerCallbackQuery"
    assert owner.consultation().answers == {}  # type: ignore[union-attr]
    await owner.press_data(f"a:{c.id}:age:notachoice")
    assert owner.consultation().answers == {}  # type: ignore[union-attr]


async def test_restart_mid_consultation_resumes_at_the_same_question(
    services: Services, elderly_alone: dict[str, Any]
) -> None:
    app, api = make_app(services)
    async with app:
        chat = Chat(app, api, services, 605)
        await chat.send("/start")
        await chat.press("자가진단")
        await chat.press("전체")
        started = chat.consultation()
        assert started is not None and started.current_question is not None
        await chat.answer(elderly_alone[started.current_question])
        before = chat.consultation()
    assert before is not None
    app2, api2 = make_app(services)
    async with app2:
        chat2 = Chat(app2, api2, services, 605)
        shown = await chat2.send("/start")
        assert any("이어서" in label for label, _ in shown[-1].flat_buttons())
        shown = await chat2.press("이어서")
        after = chat2.consultation()
        assert after is not None and after.id == before.id
        assert after.current_question == before.current_question and after.answers == before.answers
        assert len(after.answers) == 1
        await chat2.answer(None)
        assert len(chat2.consultation().answers) == 2  # type: ignore[union-attr]


async def test_two_chats_interleaved_never_see_each_others_state(
    chat_factory: Any, elderly_alone: dict[str, Any], manual: Any
) -> None:
    # A 31-year-old mother, pregnant again, with her husband and two small children, renting in Gyeonggi.
    young = answers_of(
        manual,
        {
            "people": [
                {
                    "relation": "self",
                    "age": 31,
                    "earned_income": 1_200_000,
                    "other_income": 0,
                    "pregnant": True,
                    "employment": "employed",
                    "disability": "none",
                    "nationality": "korean",
                    "married": True,
                    "school": "none",
                    "housing": 0,
                    "financial": 5_000_000,
                    "deposit": 75_000_000,
                },
                {
                    "relation": "spouse",
                    "age": 33,
                    "earned_income": 1_400_000,
                    "other_income": 0,
                    "employment": "employed",
                    "disability": "none",
                    "nationality": "korean",
                },
                {"relation": "child", "age": 0, "school": "none", "disability": "none"},
                {"relation": "child", "age": 4, "school": "daycare", "disability": "none"},
            ],
            "region": "gyeonggi",
            "housing_type": "jeonse",
            "receiving": [],
            "crisis": [],
            "single_parent": False,
            "medical_expenses_annual": {"covered": 200_000, "uncovered": 100_000},
        },
    )
    a: Chat = chat_factory(606)
    b: Chat = chat_factory(607)
    for chat in (a, b):
        await chat.send("/start")
        await chat.press("자가진단")
        await chat.press("전체")
    for _ in range(40):
        ca, cb = a.consultation(), b.consultation()
        assert ca is not None and cb is not None
        pending = [
            (chat, profile, c)
            for chat, profile, c in ((a, elderly_alone, ca), (b, young, cb))
            if c.state == "asking"
        ]
        if not pending:
            break
        await asyncio.gather(
            *(chat.answer(profile.get(c.current_question or "")) for chat, profile, c in pending)
        )
    ca, cb = a.consultation(), b.consultation()
    assert ca is not None and cb is not None and ca.id != cb.id
    assert ca.state == cb.state == "results"
    assert all(elderly_alone.get(q) == v for q, v in ca.answers.items()), ca.answers
    assert all(young.get(q) == v for q, v in cb.answers.items()), cb.answers


async def test_typed_answers_sent_back_to_back_are_bound_to_the_question_on_screen(
    services: Services, elderly_alone: dict[str, Any]
) -> None:
    """Four answers typed before any reply came: only the first answers the question on screen; the
    others were typed before the questions they might be meant for appeared, so they answer nothing
    (issue 15: "2" for one question must never become disability = mild for the next)."""
    from knowledge.questioning import next_question
    from tests.conftest import CONSULT_DATE
    from tests.handlers.harness import typed

    answers: dict[str, Any] = {}
    plan = []
    for _ in range(4):
        qid = next_question(services.screener, answers, CONSULT_DATE)
        assert qid is not None
        answers[qid] = elderly_alone.get(qid)
        plan.append((qid, answers[qid]))
    app, api = make_app(services)
    async with app:
        await app.start()
        chat = Chat(app, api, services, 608)
        await app.update_queue.put(chat.updates.message(608, "/start"))
        await app.update_queue.join()
        await chat.press("자가진단")
        await chat.press("전체")
        before = len(api.messages(608))
        for qid, value in plan:  # sent back to back, without waiting for replies
            await app.update_queue.put(chat.updates.message(608, typed(services.manual, qid, value)))
        await app.update_queue.join()
        await app.stop()
    c = chat.consultation()
    assert c is not None
    with services.db.session() as s:
        log = [(row.question_id, row.answer) for row in repo.question_log(s, c.id) if row.outcome]
    assert log == plan[:1]
    replies = [m.text for m in api.messages(608)[before:]]
    assert "질문 2" in replies[0] and all("나오기 전에 보내신" in r for r in replies[1:]), replies
    assert len(replies) == 4


async def test_updates_of_one_chat_are_processed_in_order_through_the_update_queue(
    services: Services, elderly_alone: dict[str, Any]
) -> None:
    """Taps sent together with "done", without waiting: applied in the order they were sent."""
    app, api = make_app(services)
    async with app:
        await app.start()
        chat = Chat(app, api, services, 610)
        await chat.send("/start")
        await chat.press("자가진단")
        await chat.press("전체")
        for _ in range(30):
            c = chat.consultation()
            assert c is not None and c.current_question is not None
            question = services.manual.questions[c.current_question]
            if question.type == QuestionType.MULTI_CHOICE:
                break
            await chat.answer(elderly_alone.get(question.id))
        assert c is not None
        chosen = [choice.value for choice in question.choices][:2]
        mid = chat.last().message_id
        for data in [f"t:{c.id}:{question.id}:{v}" for v in chosen] + [f"d:{c.id}:{question.id}"]:
            await app.update_queue.put(chat.updates.callback(610, mid, data))
        await app.update_queue.join()
        await app.stop()
    after = chat.consultation()
    assert after is not None and after.answers[question.id] == chosen


async def test_error_handler_tells_the_user_and_logs_no_answers(
    chat_factory: Any, services: Services, monkeypatch: Any, caplog: Any
) -> None:
    from app import consult

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine exploded")

    chat: Chat = chat_factory(609)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    monkeypatch.setattr(consult, "understand", boom)
    caplog.set_level("ERROR")
    await chat.send("비밀답변 72")
    assert "문제가 생겼어요" in chat.last().text
    assert "engine exploded" in caplog.text and "비밀답변" not in caplog.text


async def test_quick_check_gives_verdicts_at_once_and_shows_what_it_did_not_understand(
    chat_factory: Any, services: Services
) -> None:
    _make_staff(services, 610)
    chat: Chat = chat_factory(610)
    shown = await chat.send("/check 72세 1인 월80만 독거 장애없음 월세25만 뭐시기")
    text = shown[-1].text
    assert "빠른 확인" in text and "나이 72세" in text and "800,000원" in text
    assert "알아듣지 못한 부분" in text and "뭐시기" in text, "unparsed fragments are shown back"
    assert "기초연금" in text and "받을 수 있어요" in text
    missing = [(label, data) for label, data in shown[-1].flat_buttons() if data.startswith("q:")]
    assert missing, "what is still missing is offered as buttons"
    _, data = missing[0]
    shown = await chat.press_data(data)
    c = chat.consultation()
    qid = data.split(":")[2]
    assert c is not None and c.current_question == qid
    assert c.answers["age"] == 72 and c.answers["monthly_rent"] == 250_000
    assert escape(services.manual.questions[qid].text.ko) in shown[-1].text


async def test_back_after_a_quick_check_takes_back_a_shorthand_fact(
    chat_factory: Any, services: Services, errors: list[BaseException]
) -> None:
    """ "독거" is a fact without a question of its own: "back" raised KeyError('lives_alone')."""
    _make_staff(services, 612)
    chat: Chat = chat_factory(612)
    shown = await chat.send("/check 72세 독거")
    _, data = next((label, d) for label, d in shown[-1].flat_buttons() if d.startswith("q:"))
    await chat.press_data(data)
    c = chat.consultation()
    assert c is not None and c.answers.get("lives_alone") is True
    await chat.press_data(f"n:{c.id}:back")
    after = chat.consultation()
    assert after is not None and "lives_alone" not in after.answers and after.current_question
    assert after.current_question in services.manual.questions
    assert errors == [] and "문제가 생겼어요" not in chat.last().text


async def test_quick_check_is_for_staff_only(chat_factory: Any) -> None:
    chat: Chat = chat_factory(611)
    shown = await chat.send("/check 72세 1인")
    assert "담당 공무원만" in shown[-1].text


def test_every_callback_action_has_a_handler_and_a_role_rule() -> None:
    from handlers import CALLBACKS
    from handlers.callbacks import Action
    from handlers.guard import ACTIONS

    assert set(CALLBACKS) == set(Action) == set(ACTIONS)
