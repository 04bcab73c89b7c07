"""Entry points: /start, /help, /lang, /cancel, the main menu, and free text."""

from __future__ import annotations

from collections.abc import Callable

from casework import flows
from handlers import admin, coord, drafting, needs, network, programs, render, staff
from handlers import consult as consult_handlers
from handlers.common import too_long
from handlers.groups import STAFF
from handlers.guard import MENU_ITEMS, may, role_of
from handlers.render import Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.text import Lang
from storage import drafts, repo, steps
from storage.models import ConsultationState, Role


def _menu(turn: Turn) -> Msg:
    active = steps.active(turn.session, turn.chat_id)
    return render.menu(turn.lang, may(turn.role, STAFF), active.id if active else None)


def on_start(turn: Turn) -> Reply:
    if turn.args and turn.args[0].startswith("inv_"):  # deep link from an invitation
        reply = admin.redeem(turn, turn.args[0])
        turn.role = role_of(turn.user, turn.services.settings)  # the menu should show the new role
        reply.messages.append(_menu(turn))
        return reply
    return Reply(messages=[_menu(turn), *_role_home(turn)])


def _role_home(turn: Turn) -> list[Msg]:
    """Partners and reporters have few commands and no menu button of their own: name them."""
    if turn.role == Role.PARTNER:
        return [Msg(t("role.partner_home", turn.lang))]
    if turn.role == Role.REPORTER:
        return [Msg(t("role.reporter_home", turn.lang))]
    return []


def on_help(turn: Turn) -> Reply:
    return Reply(messages=[Msg(t("help", turn.lang))])


def on_lang(turn: Turn) -> Reply:
    turn.user.language = (Lang.KO if turn.lang == Lang.EN else Lang.EN).value
    turn.lang = Lang(turn.user.language)
    return Reply(messages=[Msg(t("lang.set", turn.lang)), _menu(turn)])


def on_cancel(turn: Turn) -> Reply:
    """Stops what is in progress: a text being written (a need, a note …) and a consultation."""
    stopped = []
    if drafts.get_draft(turn.session, turn.chat_id) is not None:
        drafts.clear_draft(turn.session, turn.chat_id)
        stopped.append(Msg(t("cancelled.draft", turn.lang)))
    if steps.cancel_asking(turn.session, turn.chat_id):
        stopped.append(Msg(t("cancelled", turn.lang)))
    return Reply(messages=stopped or [Msg(t("nothing_to_cancel", turn.lang))])


def on_menu(turn: Turn) -> Reply:
    assert turn.callback is not None
    item = turn.callback.args[0]
    allowed = MENU_ITEMS.get(item)
    if allowed is None:
        return Reply(notice=t("bad_button", turn.lang))
    if not may(turn.role, allowed):
        return Reply(notice=t("denied", turn.lang))
    if item == "self":
        return Reply(messages=[render.scope_menu(turn.manual, turn.lang)])
    if item == "browse":
        return Reply(messages=[render.browse_domains(turn.manual, turn.lang)])
    if item == "records":
        return staff.ask_household(turn)
    if item == "resume":
        return consult_handlers.on_resume(turn)
    return on_lang(turn)


# Who reads the typed text a draft waits for, by the draft's flow (casework.flows). Drafts mask
# what they keep themselves (and say so).
DRAFT_TEXT: dict[str, Callable[[Turn, str], Reply | None]] = {
    flows.NEED.kind: needs.on_draft_text,
    **{f.kind: coord.on_draft_text for f in coord.TEXT_FLOWS},
    **{f.kind: network.on_draft_text for f in network.TEXT_FLOWS},
}


def _draft_text(turn: Turn, text: str) -> Reply | None:
    """The reply of the draft waiting for typed text, if this chat has one (one probe, usually none)."""
    found = drafting.current(turn)
    if found is None or not found[0].waits(found[1].get("step"), text=True):
        return None
    return DRAFT_TEXT[found[0].kind](turn, text)


def on_text(turn: Turn) -> Reply:
    """Input a draft waits for (a need, a note, a reason); a typed answer to the pending question;
    a household code from staff; otherwise a search."""
    text = (turn.text or "").strip()
    if not text:  # only control characters (a NUL …), removed on the way in
        return Reply(messages=[Msg(t("empty_text", turn.lang))])
    masked = turn.mask(text)
    notice = [Msg(t("pii.masked", turn.lang))] if masked.found else []
    drafted = _draft_text(turn, text)
    if drafted is not None:
        return drafted
    active = steps.active(turn.session, turn.chat_id)
    asking = active is not None and active.state == ConsultationState.ASKING and active.current_question
    if may(turn.role, STAFF) and repo.normalise_household_code(text) is not None:
        # A household code is no answer to any question: staff look a household up at any moment,
        # and the consultation on screen waits (menu → 이어서 하기).
        reply = staff.show_household(turn, text)
        if asking:
            reply.messages.append(Msg(t("consult.waits", turn.lang)))
    elif asking:
        assert active is not None
        reply = consult_handlers.answer_typed(turn, active, text)
    else:
        longer = too_long(turn, text, programs.MAX_SEARCH)
        reply = longer or programs.first_message(turn, masked.text) or programs.search(turn, masked.text)
    reply.messages[:0] = notice
    return reply


def on_unknown_command(turn: Turn) -> Reply:
    return Reply(messages=[Msg(t("unknown_command", turn.lang)), Msg(t("help", turn.lang))])


def on_not_text(turn: Turn) -> Reply:
    return Reply(messages=[Msg(t("not_text", turn.lang))])
