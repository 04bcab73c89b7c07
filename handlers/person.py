"""The way to a person: offered wherever the bot cannot help further (search, its menu button)."""

from __future__ import annotations

from handlers.callbacks import Action, build
from handlers.render import Keyboard, Msg
from handlers.texts import t
from knowledge.text import Lang


def button(lang: Lang) -> tuple[str, str]:
    return (t("person.button", lang), build(Action.MENU, "person"))


def ways(lang: Lang) -> Msg:
    """129, the community centre, and a call-back request (the need flow, with consent first)."""
    rows: Keyboard = [[(t("person.callback_button", lang), build(Action.NEED_START, "x", 0))]]
    return Msg(t("person.ways", lang), rows)
