"""Programme cards, browsing by domain, and free-text search."""

from __future__ import annotations

from app import consult
from handlers import render
from handlers.access import household_for, viewed
from handlers.callbacks import Action
from handlers.groups import STAFF
from handlers.guard import may
from handlers.limits import clip
from handlers.route import Reply, Turn
from handlers.texts import t
from storage import repo
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


def search(turn: Turn, query: str) -> Reply:
    index = turn.services.index
    hits = index.search(query, limit=5, cutoff=turn.services.settings.search_cutoff)
    ambiguous = bool(hits) and index.is_ambiguous(hits)
    if hits and not ambiguous:
        best = turn.manual.programs[hits[0].program_id]
        others = [h.program_id for h in hits[1:4]]
        msg = render.card(turn.manual, best, turn.lang)
        if others:
            msg.keyboard += [
                [(turn.manual.programs[p].name.get(turn.lang), render.build(Action.PROGRAM, p))]
                for p in others
            ]
        return Reply(messages=[msg])
    shown = clip(query, SHOWN_QUERY)
    found = [h.program_id for h in hits[:5]]
    return Reply(messages=[render.search_results(turn.manual, shown, found, ambiguous, turn.lang)])


ACTION_HANDLERS = {Action.PROGRAM: on_program, Action.DOMAIN: on_domain}
