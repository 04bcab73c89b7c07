"""A way to a person, everywhere: the centre's phone (settings), 129 (보건복지상담센터) and a call-back
request, which is the need flow (handlers.needs, consent first) started from where the person is."""

from __future__ import annotations

from html import escape

from app.settings import Settings
from handlers.callbacks import Action, build
from handlers.render import Keyboard, Msg
from handlers.route import Reply, Turn
from handlers.texts import t
from knowledge.text import Lang

SOURCES = ("c", "p", "x")  # a consultation id | a programme id | nothing (as NEED_START)


def centre_name(settings: Settings, lang: Lang | str) -> str:
    return settings.centre_name or t("person.centre_default", lang)


def phones(settings: Settings, lang: Lang | str) -> str:
    """One line: the centre (with its phone when configured) and 129. Plain text, not yet escaped."""
    name = centre_name(settings, lang)
    if settings.centre_phone:
        centre = t("person.centre_phone", lang, centre=name, phone=settings.centre_phone)
    else:
        centre = t("person.centre", lang, centre=name)
    return t("person.phones", lang, centre=centre)


def button(lang: Lang | str, source: str = "x", ref: str | int = 0) -> tuple[str, str]:
    return (t("person.button", lang), build(Action.PERSON, source, ref))


def message(settings: Settings, lang: Lang | str, source: str = "x", ref: str | int = 0) -> Msg:
    """The phones and the call-back request, from a consultation (c), a programme (p) or anywhere (x)."""
    text = "\n".join(
        [
            f"<b>{escape(t('person.head', lang))}</b>",
            escape(phones(settings, lang)),
            escape(t("person.callback_hint", lang)),
        ]
    )
    rows: Keyboard = [[(t("person.callback", lang), build(Action.NEED_START, source, ref))]]
    return Msg(text, rows)


def on_person(turn: Turn) -> Reply:
    assert turn.callback is not None
    source, ref = turn.callback.args
    if source not in SOURCES or (source == "p" and ref not in turn.manual.programs):
        return Reply(notice=t("bad_button", turn.lang))
    if source == "c":
        turn.callback.int_arg(1)  # a consultation id: the need flow checks it is this chat's
    return Reply(messages=[message(turn.services.settings, turn.lang, source, ref)])


def on_help(turn: Turn) -> Reply:
    """/help: the commands, then the way to a person."""
    return Reply(messages=[Msg(t("help", turn.lang)), message(turn.services.settings, turn.lang)])


ACTION_HANDLERS = {Action.PERSON: on_person}
