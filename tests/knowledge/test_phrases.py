"""Situations and abbreviations (phrases.yaml): loaded, validated at their line, merged across layers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.loader import ManualError, load_manual
from knowledge.manual import Manual
from tests.knowledge.fixtures import fixture_manual
from tests.knowledge.test_search import DESIGN_IDS, NEW_IDS

TODAY = dt.date(2026, 11, 24)


def _minimal_with(tmp_path: Path, text: str, name: str = "phrases.yaml") -> Path:
    root = fixture_manual("minimal", tmp_path)
    (root / name).write_text(text, encoding="utf-8")
    return root


def test_phrases_are_attached_to_their_programme(tmp_path: Path) -> None:
    root = _minimal_with(
        tmp_path,
        (
            "phrases:\n"
            "  - program: basic_pension\n"
            "    situations: [다음 달에 65세가 돼요, '  I   turn 65 soon ']\n"
            "    abbreviations: [기초노령]\n"
        ),
    )
    manual, warnings = load_manual(root, today=TODAY)
    assert warnings == []
    phrases = manual.phrases["basic_pension"]
    assert phrases.situations == ["다음 달에 65세가 돼요", "I turn 65 soon"]
    assert phrases.abbreviations == ["기초노령"]
    assert "livelihood_benefit" not in manual.phrases


def test_a_programme_not_in_the_manual_is_a_warning_at_its_line(tmp_path: Path) -> None:
    root = _minimal_with(
        tmp_path,
        (
            "phrases:\n"
            "  - program: basic_pension\n"
            "    situations: [다음 달에 65세가 돼요]\n"
            "  - program: childcare_fee\n"
            "    situations: [어린이집 비용]\n"
        ),
    )
    manual, warnings = load_manual(root, today=TODAY)
    (warning,) = warnings
    assert (warning.file, warning.line, warning.severity) == ("minimal/phrases.yaml", 4, "warning")
    assert "'childcare_fee'" in warning.message and "not in the manual" in warning.message
    assert set(manual.phrases) == {"basic_pension"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("phrases:\n  - program: basic_pension\n    situation: [x]\n", 3, "unknown field 'situation'"),
        ("phrases:\n  - program: Basic-Pension\n", 2, "phrases[0]"),
        ("phrases:\n  - program: basic_pension\n    abbreviations: ['  ']\n", 3, "empty phrase"),
        ("phrases:\n  - program: basic_pension\n    situations: [같은 말, 같은 말]\n", 3, "listed twice"),
        ("phrases:\n  - situations: [x]\n", 2, "missing required field 'program'"),
        ("phrases: {program: basic_pension}\n", 1, "'phrases' must be a list"),
        (
            "phrases:\n  - program: basic_pension\n    situations: [a]\n  - program: basic_pension\n",
            4,
            "phrases for 'basic_pension' listed twice (first at minimal/phrases.yaml:2)",
        ),
    ],
)
def test_mistakes_are_errors_at_their_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    root = _minimal_with(tmp_path, text)
    with pytest.raises(ManualError) as err:
        load_manual(root, today=TODAY)
    (issue,) = err.value.issues
    assert (issue.file, issue.line) == ("minimal/phrases.yaml", line)
    assert fragment in issue.message


def test_an_overlay_adds_phrases_to_a_national_programme(tmp_path: Path) -> None:
    text = "phrases:\n  - program: basic_pension\n    situations: [나이가 들었어요]\n"
    root = _minimal_with(tmp_path, text)
    overlay = tmp_path / "district"
    overlay.mkdir()
    (overlay / "phrases.yaml").write_text(
        "phrases:\n  - program: basic_pension\n    situations: [나이가 들었어요, 구청 어르신 수당]\n"
        "    abbreviations: [기연]\n",
        encoding="utf-8",
    )
    manual, warnings = load_manual(root, overlays=[overlay], today=TODAY)
    assert warnings == []
    assert manual.phrases["basic_pension"].situations == ["나이가 들었어요", "구청 어르신 수당"]
    assert manual.phrases["basic_pension"].abbreviations == ["기연"]


def test_unknown_section_names_phrases_among_the_expected(tmp_path: Path) -> None:
    root = _minimal_with(tmp_path, "phrase:\n  - program: basic_pension\n")
    with pytest.raises(ManualError) as err:
        load_manual(root, today=TODAY)
    assert "phrases" in err.value.issues[0].message.split("expected")[1]


def test_shipped_phrases_cover_every_design_programme(manual: Manual) -> None:
    """All 49 fixed ids, including the nine added in 2026-12 whose entries may not be written yet."""
    _, warnings = load_manual(today=TODAY)
    pending = {w.message.split("'")[1] for w in warnings if "not in the manual" in w.message}
    assert pending <= NEW_IDS, "phrases name a programme that is neither in the manual nor in DESIGN.md"
    assert set(manual.phrases) | pending == DESIGN_IDS | NEW_IDS
    for pid, phrases in manual.phrases.items():
        assert len(phrases.situations) >= 3, pid
