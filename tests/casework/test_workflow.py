from __future__ import annotations

import itertools

import pytest

from casework.model import CLOSED_STATUSES, EventKind, NeedCategory, NeedStatus, Urgency, label
from casework.workflow import TRANSITIONS, IllegalTransition, allowed_targets, check_transition

S = NeedStatus

# The workflow written out by hand, independently of TRANSITIONS, so a slip in the table shows up.
ALLOWED = {
    (S.REVIEW, S.OPEN),
    (S.REVIEW, S.CLOSED_UNRESOLVED),
    (S.OPEN, S.ASSIGNED),
    (S.OPEN, S.CLOSED_UNRESOLVED),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.ASSIGNED, S.CLOSED_UNRESOLVED),
    (S.IN_PROGRESS, S.REFERRED),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.IN_PROGRESS, S.CLOSED_UNRESOLVED),
    (S.REFERRED, S.RESOLVED),
    (S.REFERRED, S.CLOSED_UNRESOLVED),
    (S.REFERRED, S.OPEN),
    (S.RESOLVED, S.OPEN),
    (S.CLOSED_UNRESOLVED, S.OPEN),
}


@pytest.mark.parametrize(("before", "after"), list(itertools.product(S, S)))
def test_transition_matrix(before: NeedStatus, after: NeedStatus) -> None:
    note = "사유: 재확인"  # every allowed pair passes with a note; the note rules are tested below
    if (before, after) in ALLOWED:
        check_transition(before, after, note)
    else:
        with pytest.raises(IllegalTransition) as caught:
            check_transition(before, after, note)
        assert caught.value.reason == ("same_status" if before == after else "not_allowed")
        assert (caught.value.from_status, caught.value.to_status) == (before, after)


def test_table_is_the_documented_workflow() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize("closed", sorted(CLOSED_STATUSES))
@pytest.mark.parametrize("note", [None, "", "   "])
def test_reopen_needs_a_note(closed: NeedStatus, note: str | None) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(closed, S.OPEN, note)
    assert caught.value.reason == "note_required"
    check_transition(closed, S.OPEN, "주민이 다시 요청")


@pytest.mark.parametrize("before", [S.REVIEW, S.OPEN, S.ASSIGNED, S.IN_PROGRESS, S.REFERRED])
def test_closing_unresolved_needs_a_reason(before: NeedStatus) -> None:
    with pytest.raises(IllegalTransition, match="note_required"):
        check_transition(before, S.CLOSED_UNRESOLVED, " ")
    check_transition(before, S.CLOSED_UNRESOLVED, "연락 두절")


def test_other_moves_need_no_note() -> None:
    check_transition(S.IN_PROGRESS, S.RESOLVED)
    check_transition(S.ASSIGNED, S.IN_PROGRESS, None)


def test_allowed_targets_in_enum_order() -> None:
    assert allowed_targets(S.IN_PROGRESS) == (S.REFERRED, S.RESOLVED, S.CLOSED_UNRESOLVED)
    assert allowed_targets(S.RESOLVED) == (S.OPEN,)


def test_illegal_transition_is_a_value_error_with_readable_message() -> None:
    with pytest.raises(ValueError, match="open → resolved: not_allowed"):
        check_transition(S.OPEN, S.RESOLVED)


def test_every_value_has_both_labels() -> None:
    for value in [*NeedCategory, *Urgency, *NeedStatus, *EventKind]:
        ko, en = label(value, "ko"), label(value, "en")
        assert ko and en and ko != en
    assert label(NeedCategory.COMPANIONSHIP) == "말벗"
    assert label(Urgency.URGENT, "en") == "Urgent"


def test_categories_are_the_manual_domains_plus_three() -> None:
    import yaml

    from tests.conftest import ROOT

    domains = yaml.safe_load((ROOT / "knowledge" / "manual" / "domains.yaml").read_text(encoding="utf-8"))
    ids = [d["id"] for d in domains["domains"]]
    assert [c.value for c in NeedCategory] == [*ids, "companionship", "safety", "other"]


def test_labels_of_equal_strings_in_different_enums_stay_apart() -> None:
    # NeedStatus.ASSIGNED == EventKind.ASSIGNED == "assigned": one must not overwrite the other's label.
    assert label(NeedStatus.ASSIGNED) == "배정"
    assert label(EventKind.ASSIGNED) == "담당 배정"
