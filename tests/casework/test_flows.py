"""The declared flows (casework.flows): every edge names a step, every button is a real one, every
step can be reached and left, and a move off the table is refused."""

from __future__ import annotations

import pytest

from casework.flows import END, FLOWS, NEED, BadStep, Waits
from handlers.callbacks import Action


@pytest.mark.parametrize("kind", sorted(FLOWS))
def test_every_flow_is_well_formed(kind: str) -> None:
    flow = FLOWS[kind]
    assert flow.first in flow.steps
    reached, todo = {flow.first}, [flow.first]
    while todo:
        for nxt in flow.steps[todo.pop()].then:
            assert nxt == END or nxt in flow.steps, (kind, nxt)
            if nxt != END and nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    entries = {flow.first} | {s for s in flow.steps if s in ("household", "where", "amount")}
    assert reached | entries == set(flow.steps), f"{kind}: unreachable {set(flow.steps) - reached}"
    for name, step in flow.steps.items():
        assert step.then, (kind, name)
        if step.waits == Waits.BUTTON:
            assert step.button is not None and Action(step.button), (kind, name)


def test_a_need_moves_only_along_its_edges() -> None:
    assert NEED.waits("urgency", button=Action.NEED_URGENCY.value)
    assert not NEED.waits("urgency", button=Action.NEED_CATEGORY.value)  # an old category button
    assert not NEED.waits("urgency", text=True)  # typed text goes elsewhere, not into the need
    assert NEED.waits("description", text=True)
    assert NEED.check("consent", "callback") == "callback"
    with pytest.raises(BadStep):
        NEED.check("category", "consent")  # skipping urgency and the description


def test_every_flow_that_takes_text_has_a_reader() -> None:
    from handlers.start import DRAFT_TEXT

    takes_text = {k for k, f in FLOWS.items() if any(s.waits == Waits.TEXT for s in f.steps.values())}
    assert takes_text == set(DRAFT_TEXT)
