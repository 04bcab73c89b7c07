"""The manual validator: every mistake is reported as `file:line: message` at the right place.

Each file in tests/data/fixture_manuals/broken/ is added to a copy of the valid `minimal` manual. A line
ending in `# <- TEXT` must get an issue whose text contains TEXT; no other line may get one, so a
mistake is reported once and the valid part of the manual stays quiet.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from knowledge.loader import ManualError, load_manual
from knowledge.yamlsrc import Issue

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "fixture_manuals"
MINIMAL = FIXTURES / "minimal"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
TODAY = dt.date(2026, 11, 24)
MARK = "# <- "


def _markers(path: Path) -> dict[int, str]:
    """Line number → the text the issue on that line must contain."""
    return {
        n: line.split(MARK, 1)[1].strip()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MARK in line
    }


def _with_file(tmp_path: Path, extra: Path) -> Path:
    root = tmp_path / "manual"
    shutil.copytree(MINIMAL, root)
    shutil.copy(extra, root / extra.name)
    return root


def _load_errors(root: Path) -> list[Issue]:
    with pytest.raises(ManualError) as caught:
        load_manual(root, today=TODAY)
    return caught.value.issues


def _assert_issues_match(issues: list[Issue], fixture: Path, shown_as: str) -> None:
    expected = _markers(fixture)
    assert expected, f"{fixture.name} has no '# <-' marker"
    assert {i.file for i in issues} == {shown_as}, [str(i) for i in issues]
    assert {i.line for i in issues} == set(expected), [str(i) for i in issues]
    for line, text in expected.items():
        at_line = [str(i) for i in issues if i.line == line]
        assert any(text in s for s in at_line), (line, text, at_line)


def test_the_fixture_base_is_valid() -> None:
    manual, warnings = load_manual(MINIMAL, today=TODAY)
    assert sorted(manual.programs) == ["basic", "low"]
    assert warnings == []


def test_there_are_at_least_ten_broken_files() -> None:
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_file_reports_file_and_line(tmp_path: Path, fixture: Path) -> None:
    root = _with_file(tmp_path, fixture)
    issues = _load_errors(root)
    assert all(i.severity == "error" for i in issues)
    _assert_issues_match(issues, fixture, f"manual/{fixture.name}")


def test_issue_text_is_file_colon_line_colon_message(tmp_path: Path) -> None:
    root = _with_file(tmp_path, FIXTURES / "broken" / "unknown_question.yaml")
    (issue,) = _load_errors(root)
    assert str(issue) == "manual/unknown_question.yaml:11: unknown question 'agee' in rule"
    # ManualError's own text lists the same lines, so printing the exception is enough for a CLI.
    with pytest.raises(ManualError, match=r"^manual/unknown_question\.yaml:11: "):
        load_manual(root, today=TODAY)


def test_duplicate_points_back_at_the_first_definition(tmp_path: Path) -> None:
    root = _with_file(tmp_path, FIXTURES / "broken" / "duplicate_program.yaml")
    (issue,) = _load_errors(root)
    assert issue.message == "duplicate program id 'dup_a' (first at manual/duplicate_program.yaml:3)"


def test_duplicate_program_across_files_of_one_layer(tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(MINIMAL, root)
    # 'zz' sorts after programs.yaml, so the copy is the second definition.
    text = (MINIMAL / "programs.yaml").read_text(encoding="utf-8")
    (root / "zz_copy.yaml").write_text(text, encoding="utf-8")
    issues = _load_errors(root)
    assert [str(i) for i in issues] == [
        "manual/zz_copy.yaml:2: duplicate program id 'basic' (first at manual/programs.yaml:2)",
        "manual/zz_copy.yaml:11: duplicate program id 'low' (first at manual/programs.yaml:11)",
    ]


def test_unquoted_comma_gets_the_quoting_hint_and_a_plain_typo_does_not(tmp_path: Path) -> None:
    root = _with_file(tmp_path, FIXTURES / "broken" / "unknown_field.yaml")
    typo, comma = sorted(_load_errors(root), key=lambda i: i.line)
    assert "quotes" not in typo.message
    assert "unknown field 'deposit and moving costs'" in comma.message
    assert "put the text in quotes" in comma.message


def test_every_error_is_reported_not_just_the_first(tmp_path: Path) -> None:
    root = tmp_path / "manual"
    shutil.copytree(MINIMAL, root)
    for name in ("unknown_question.yaml", "unknown_domain.yaml", "wrong_type.yaml"):
        shutil.copy(FIXTURES / "broken" / name, root / name)
    files = {i.file for i in _load_errors(root)}
    assert files == {"manual/unknown_question.yaml", "manual/unknown_domain.yaml", "manual/wrong_type.yaml"}


# ---------------------------------------------------------------- warnings


def test_staleness_warnings_name_file_and_line(tmp_path: Path) -> None:
    fixture = FIXTURES / "warnings" / "stale.yaml"
    root = _with_file(tmp_path, fixture)
    _, warnings = load_manual(root, today=TODAY)
    assert all(w.severity == "warning" for w in warnings)
    assert all(str(w).startswith(f"{w.file}:{w.line}: warning: ") for w in warnings)
    _assert_issues_match(warnings, fixture, "manual/stale.yaml")


def test_warnings_depend_on_today(tmp_path: Path) -> None:
    root = _with_file(tmp_path, FIXTURES / "warnings" / "stale.yaml")
    _, warnings = load_manual(root, today=dt.date(2027, 2, 1))
    texts = [w.message for w in warnings]
    # In 2027 the future value is in force; 'last_year' and both programmes are now stale.
    assert not any("future_only" in t for t in texts)
    assert "parameter 'last_year' has no value for 2027 (latest from 2025-01-01)" in texts
    assert any("'fresh_enough' sources are from 2025-11-24" in t for t in texts)
    # Every minimal-manual parameter dates from 2026, so it warns too.
    assert "parameter 'age_line' has no value for 2027 (latest from 2026-01-01)" in texts


def test_shipped_manual_has_no_errors() -> None:
    manual, _ = load_manual(today=TODAY)
    assert len(manual.programs) >= 40


# ---------------------------------------------------------------- overlays


def test_overlay_adds_a_local_programme_and_replaces_a_national_one() -> None:
    national, _ = load_manual(MINIMAL, today=TODAY)
    merged, _ = load_manual(MINIMAL, [FIXTURES / "overlays" / "district-a"], today=TODAY)
    assert merged.overlays == ["district-a"]
    assert national.programs["basic"].local is None
    added = merged.programs["district_bonus"]
    assert added.local == "district-a"
    replaced = merged.programs["basic"]
    assert replaced.local == "district-a"
    assert replaced.name.ko == "기본(구 확대)"
    assert merged.programs["low"].local is None
    assert set(merged.programs) == {"basic", "low", "district_bonus"}
    assert "(+2 local from district-a)" in merged.summary()


def test_replaced_programme_uses_the_local_rule() -> None:
    from knowledge.engine import Status, screen

    national, _ = load_manual(MINIMAL, today=TODAY)
    merged, _ = load_manual(MINIMAL, [FIXTURES / "overlays" / "district-a"], today=TODAY)
    answers = {"age": 62}
    assert screen(national, answers, TODAY, ["basic"])["basic"].status == Status.INELIGIBLE
    assert screen(merged, answers, TODAY, ["basic"])["basic"].status == Status.ELIGIBLE


def test_overlay_cannot_redefine_a_national_question() -> None:
    overlay = FIXTURES / "overlays" / "bad-district"
    with pytest.raises(ManualError) as caught:
        load_manual(MINIMAL, [overlay], today=TODAY)
    _assert_issues_match(
        caught.value.issues, overlay / "questions.yaml", "overlays/bad-district/questions.yaml"
    )


def test_missing_overlay_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ManualError, match="local overlay directory not found"):
        load_manual(MINIMAL, [tmp_path / "nowhere"], today=TODAY)
