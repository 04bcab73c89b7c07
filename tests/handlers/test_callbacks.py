"""Callback data: each button declared once (typed fields, roles), read strictly."""

from __future__ import annotations

import pytest

from handlers.callbacks import BUTTONS, MAX_BYTES, Action, BadCallback, Kind, build, parse
from handlers.guard import ACTIONS


def test_every_action_is_declared_with_fields_and_roles() -> None:
    assert set(BUTTONS) == set(Action) == set(ACTIONS)
    for action, button in BUTTONS.items():
        assert button.fields and button.roles, action
        assert len({f.name for f in button.fields}) == len(button.fields), action


def test_ids_are_checked_when_the_data_is_read() -> None:
    assert parse("a:12:age:72").get("consultation") == "12"
    for forged in ("a:x1:age:72", "a:-1:age:72", "a:99999999999:age:72", "nc:١٢"):
        with pytest.raises(BadCallback):
            parse(forged)
    with pytest.raises(ValueError):
        build(Action.NEED_CARD, "twelve")


@pytest.mark.parametrize("action", list(Action))
def test_the_longest_plausible_data_fits(action: Action) -> None:
    args = [("2147483647" if f.kind == Kind.ID else "x" * 12) for f in BUTTONS[action].fields]
    data = build(action, *args)
    assert len(data.encode()) <= MAX_BYTES and parse(data).args == tuple(args)
