"""Full consultations through the real Application, answered by the in-process Bot API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from knowledge.model import QuestionType
from storage import repo
from storage.models import QuestionOutcome
from tests.handlers.harness import Chat


async def test_start_greets_in_korean_and_offers_the_menu(chat_factory: Any) -> None:
    chat: Chat = chat_factory(501)
    shown = await chat.send("/start")
    assert "복지 안내 도우미" in shown[-1].text
    assert "결정은 아니에요" in shown[-1].text  # says what it does not do
    labels = [label for label, _ in shown[-1].flat_buttons()]
    assert any("자가진단" in label for label in labels)
    assert any("분야별 안내" in label for label in labels)
    assert not any("상담 기록" in label for label in labels), "residents do not see staff records"


async def test_self_check_for_an_elderly_person_living_alone_reaches_results(
    chat_factory: Any, elderly_alone: dict[str, Any], services: Any
) -> None:
    chat: Chat = chat_factory(502)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    asked = await chat.consult(elderly_alone)
    # a one-person household is asked nothing about a spouse or children (bench.questions measures counts)
    assert len(asked) < 20, asked
    # one person in the household: no children, no spouse, lives alone — none of that is asked
    assert not {"children_ages", "has_children", "lives_alone", "has_spouse"} & set(asked)
    results = chat.texts()
    assert "상담 결과" in results and "받을 수 있는 제도" in results
    assert "기초연금" in results and "349,700원" in results
    # the question log can be read back from the database, in order, with answers
    c = chat.consultation()
    assert c is not None and c.state == "results"
    with services.db.session() as s:
        log = repo.question_log(s, c.id)
        assert [row.question_id for row in log] == asked
        assert all(row.outcome == QuestionOutcome.ANSWERED for row in log)
        assert log[0].answer == elderly_alone[asked[0]]


async def test_results_buttons_open_a_programme_card_with_how_to_apply(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(503)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.consult(elderly_alone)
    await chat.press("자세히")
    shown = await chat.press("기초연금")
    card = shown[-1].text
    assert "나이 78세 ≥ 기초연금 나이 65세" in card
    assert "신청" in card and "국민연금공단" in card and "신분증" in card
    assert "이번 상담에서" in card and "✓" in card
    assert any("확인" in label for label, _ in shown[-1].flat_buttons())


async def test_typed_answers_are_parsed_and_bad_ones_asked_again_with_an_example(
    chat_factory: Any, elderly_alone: dict[str, Any]
) -> None:
    chat: Chat = chat_factory(504)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.answer_until("age", elderly_alone)
    shown = await chat.send("일흔 넘었어요")  # an age band, not an age: asked again, never guessed
    assert "예: 72" in shown[-1].text and chat.consultation().current_question == "age"  # type: ignore[union-attr]
    await chat.send("많아요")
    shown = await chat.send("모르겠어요 진짜")
    text = shown[-1].text
    assert "건너뛰기" in text and "도움말" in text, "after three failures the bot offers a way out"
    await chat.send("만 72세")
    c = chat.consultation()
    assert c is not None and c.answers["age"] == 72 and c.current_question != "age"


async def test_back_skip_help_and_restart(chat_factory: Any) -> None:
    chat: Chat = chat_factory(505)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    first = chat.consultation()
    assert first is not None and first.current_question is not None
    first_question = first.current_question
    await chat.answer({"household_income": 700000, "age": 72, "household_size": 1}[first_question])
    second = chat.consultation()
    assert second is not None and second.current_question != first_question
    second_question = second.current_question
    shown = await chat.press("이전")
    c = chat.consultation()
    assert c is not None and c.current_question == first_question and first_question not in c.answers
    # Back at the start, it reads as the first question again, with no way further back.
    assert "<b>질문 1</b>" in shown[-1].text
    assert not any("이전" in label for label, _ in shown[-1].flat_buttons())
    shown = await chat.answer({"household_income": 800000, "age": 73, "household_size": 2}[first_question])
    assert "<b>질문 2</b>" in shown[-1].text
    assert chat.consultation().answers[first_question] in (800000, 73, 2)  # type: ignore[union-attr]
    shown = await chat.press("도움말")
    assert "❔" in shown[-1].text
    await chat.press("건너뛰기")
    c = chat.consultation()
    assert c is not None and second_question in c.answers and c.answers[second_question] is None
    await chat.press("처음부터")
    fresh = chat.consultation()
    assert fresh is not None and fresh.id != c.id and fresh.answers == {}
    assert fresh.current_question == first_question


async def test_multi_choice_toggles_then_done(chat_factory: Any, services: Any) -> None:
    chat: Chat = chat_factory(506)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    await chat.answer_until(
        "welfare_status", {"age": 45, "household_size": 3, "household_income": 1800000, "assets": 10000000}
    )
    c = chat.consultation()
    assert c is not None
    await chat.press_data(f"t:{c.id}:welfare_status:medical")
    await chat.press_data(f"t:{c.id}:welfare_status:housing")
    await chat.press_data(f"t:{c.id}:welfare_status:medical")  # untoggle
    assert any("✅ 주거급여" in label for label, _ in chat.last().flat_buttons())
    assert not any("✅ 의료급여" in label for label, _ in chat.last().flat_buttons())
    await chat.press_data(f"d:{c.id}:welfare_status")
    assert chat.consultation().answers["welfare_status"] == ["housing"]  # type: ignore[union-attr]


async def test_domain_scope_asks_only_what_that_domain_needs(chat_factory: Any, services: Any) -> None:
    from knowledge.questioning import questions_for

    chat: Chat = chat_factory(507)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("주거지원")
    asked = await chat.consult(
        {
            "age": 30,
            "household_size": 1,
            "household_income": 1000000,
            "housing_type": "monthly_rent",
            "monthly_rent": 400000,
            "region": "seoul",
            "living_with_parents": False,
            "assets": 5000000,
            "welfare_status": [],
        }
    )
    allowed = questions_for(services.screener, services.manual.programs_in("housing"))
    assert set(asked) <= allowed, set(asked) - allowed
    assert "housing_type" in asked


async def test_english_flow(chat_factory: Any, elderly_alone: dict[str, Any]) -> None:
    chat: Chat = chat_factory(508, language="en")
    shown = await chat.send("/start")
    assert "welfare guide" in shown[-1].text
    await chat.press("Self-check")
    await chat.press("Everything")
    await chat.answer_until("age", elderly_alone)
    shown = await chat.send("seventy")  # English number words are read and said back in English
    assert "Noted: Age: 70 years" in shown[-1].text
    await chat.press("Back")
    shown = await chat.send("very old")
    assert "number" in shown[-1].text.lower() and "72" in shown[-1].text
    await chat.consult(elderly_alone)
    assert "Basic pension" in chat.texts() and "programmes you may get" in chat.texts()


async def test_lang_command_switches_language(chat_factory: Any) -> None:
    chat: Chat = chat_factory(509)
    await chat.send("/lang")
    shown = await chat.send("/start")
    assert "welfare guide" in shown[-1].text


async def test_free_text_outside_a_consultation_is_a_search(chat_factory: Any) -> None:
    chat: Chat = chat_factory(510)
    shown = await chat.send("기초연금 기준")
    assert "기초연금" in shown[-1].text


async def test_cancel_stops_the_consultation(chat_factory: Any) -> None:
    chat: Chat = chat_factory(511)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    shown = await chat.send("/cancel")
    assert "멈췄어요" in shown[-1].text
    assert chat.consultation().state == "cancelled"  # type: ignore[union-attr]
    shown = await chat.send("/cancel")
    assert "없어요" in shown[-1].text


async def test_replies_escape_user_text(chat_factory: Any) -> None:
    chat: Chat = chat_factory(512)
    shown = await chat.send("<b>없는제도</b> & <script>")
    assert "<script>" not in shown[-1].text


async def test_an_answer_costs_a_fixed_handful_of_statements(
    chat_factory: Any, elderly_alone: dict[str, Any], services: Any
) -> None:
    """The hot path by design, not by timing: an answer reads the chat's delivery state, the caller
    and the consultation (a typed one also looks for a draft) and writes the log row, the next
    question's row, the consultation row and the chat's last update (exactly once), then, after
    sending, which message showed the next question (typed answers are bound to it); nothing else
    (no ORM load of the log), however long the consultation has run."""
    chat: Chat = chat_factory(520)
    await chat.send("/start")
    await chat.press("자가진단")
    await chat.press("전체")
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    kinds = set()
    for _ in range(6):
        c = chat.consultation()
        assert c is not None and c.current_question is not None
        question = services.manual.questions[c.current_question]
        value = elderly_alone[question.id]
        if question.type in (QuestionType.MULTI_CHOICE, QuestionType.MEMBERS, QuestionType.WHO):
            await chat.answer(value)  # several updates (taps, then "done") or one "none"
            continue
        typed = question.type in (QuestionType.INT, QuestionType.MONEY)
        kinds.add(typed)
        event.listen(services.db.engine, "before_cursor_execute", count)
        try:
            if typed:
                await chat.send(str(value))
            else:
                token = ("true" if value else "false") if question.type == QuestionType.BOOL else value
                await chat.press_data(f"a:{c.id}:{question.id}:{token}")
        finally:
            event.remove(services.db.engine, "before_cursor_execute", count)
        reads = ["SELECT"] * (4 if typed else 3)
        assert sorted(sent) == ["INSERT", *reads, *["UPDATE"] * 4], (question.id, sent)
        sent.clear()
    assert kinds == {True, False}  # both a typed answer and a button were measured
