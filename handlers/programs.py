"""Programme cards, browsing by domain, and free-text search."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from app import consult
from app.consult import Scope
from handlers import consult as consult_handlers
from handlers import person, render
from handlers.access import household_for, viewed
from handlers.callbacks import Action, build
from handlers.common import step_reply
from handlers.groups import STAFF
from handlers.guard import may
from handlers.limits import clip
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge import statements
from knowledge.finder import SuggestionKind
from storage import repo, steps
from storage.models import ConsultationState

MAX_SEARCH = 200  # a search is a few words; longer text is asked again, not searched
SHOWN_QUERY = 60  # how much of the query a reply repeats


def on_program(turn: Turn) -> Reply:
    assert turn.callback is not None
    pid = turn.callback.args[0]
    program = turn.manual.programs.get(pid)
    if program is None:
        return Reply(notice=t("bad_button", turn.lang))
    latest = repo.latest_consultation(turn.session, turn.chat_id)
    verdict = None
    if latest is not None and latest.state == ConsultationState.RESULTS:
        household = household_for(turn, latest.household_id, "card") if latest.household_id else None
        if latest.household_id is None or household is not None:
            verdict = consult.verdicts_for(turn.screener, latest).get(pid)
            if household is not None:
                viewed(turn, household, f"card {pid}")
    staff = may(turn.role, STAFF)
    return Reply(messages=[render.card(turn.manual, program, turn.lang, verdict, staff=staff)])


def on_domain(turn: Turn) -> Reply:
    assert turn.callback is not None
    domain = turn.callback.args[0]
    if domain not in turn.manual.domains:
        return Reply(notice=t("bad_button", turn.lang))
    return Reply(messages=[render.browse_list(turn.manual, domain, turn.lang)])


def first_message(turn: Turn, text: str) -> Reply | None:
    """A resident's opening sentence that states facts ("혼자 사는 노인인데 병원비가 많이 나와요"): the
    facts are kept and said back, the programmes that fit are offered, and the consultation goes on
    with only what is still needed. None for a plain search, and for staff (they search by name)."""
    if may(turn.role, STAFF) or steps.active(turn.session, turn.chat_id) is not None:
        return None
    told = statements.first_message(turn.manual, text)
    if not told:
        return None
    step = consult_handlers.begin(turn, Scope(), told=told)
    kept = tuple((qid, v) for qid, v in step.consultation.answers.items() if qid in told)
    rows = _fitting(turn, text)
    key = "understood.first" if rows else "understood.first_none"
    rows.append([person.button(turn.lang)])
    said = Msg(t(key, turn.lang, facts=render.facts_line(turn.manual, kept, turn.lang)), rows)
    if isinstance(step, consult.Ask):
        step = replace(step, understood=())  # said once, in the message above
    reply = step_reply(turn, step)
    reply.messages.insert(0, said)
    return reply


def _fitting(turn: Turn, text: str) -> Keyboard:
    """Buttons for the programmes (or, when none is clear, the areas) that fit a sentence: what its
    last clause asks for first (병원비가 많이 나와요), then the whole sentence."""
    need = statements.need_clause(text)
    if need != text:
        asked = turn.services.finder.find(need, limit=3)
        if asked.confident:
            whole = turn.services.finder.find(text, limit=3)
            ids = [h.program_id for h in asked.results]
            ids += [h.program_id for h in whole.results if whole.confident and h.program_id not in ids]
            return [[_program_button(turn, pid)] for pid in ids[:4]]
    found = turn.services.finder.find(text, limit=3)
    if found.confident:
        return [[_program_button(turn, h.program_id)] for h in found.results]
    suggestion = found.suggestion
    if suggestion is None:
        return []
    rows: Keyboard = [[_program_button(turn, p)] for p in suggestion.programs]
    return rows + [[_domain_button(turn, d)] for d in suggestion.domains]


def search(turn: Turn, query: str) -> Reply:
    """Words and meaning together (knowledge.finder): the programme when it is clearly the one, else
    one question (which of a few, or which area), and always a way to a person."""
    found = turn.services.finder.find(query, limit=4)
    if found.confident:
        best, *others = [h.program_id for h in found.results]
        program = turn.manual.programs[best]
        msg = render.card(turn.manual, program, turn.lang, staff=may(turn.role, STAFF))
        msg.keyboard += [[_program_button(turn, p)] for p in others[:3]]
        return Reply(messages=[msg])
    suggestion = found.suggestion
    if suggestion is None or suggestion.kind == SuggestionKind.HUMAN:
        return Reply(messages=[person.message(turn.services.settings, turn.lang)])
    shown = escape(clip(query, SHOWN_QUERY))
    key = "search.choose" if suggestion.kind == SuggestionKind.CHOOSE else "search.domains"
    rows: Keyboard = [[_program_button(turn, p)] for p in suggestion.programs]
    rows += [[_domain_button(turn, d)] for d in suggestion.domains]
    rows.append([person.button(turn.lang)])
    return Reply(messages=[Msg(t(key, turn.lang, query=shown), rows)])


def _program_button(turn: Turn, pid: str) -> tuple[str, str]:
    return (turn.manual.programs[pid].name.get(turn.lang), build(Action.PROGRAM, pid))


def _domain_button(turn: Turn, domain: str) -> tuple[str, str]:
    name = turn.manual.domains[domain].name.get(turn.lang)
    return (t("search.domain_button", turn.lang, name=name), build(Action.DOMAIN, domain))


ACTION_HANDLERS = {Action.PROGRAM: on_program, Action.DOMAIN: on_domain}
