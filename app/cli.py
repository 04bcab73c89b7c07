"""Command-line commands that need no Telegram: validate, screen, search."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from app.settings import Settings
from knowledge.household import FactsError
from knowledge.loader import ManualError, load_manual
from knowledge.manual import DEFAULT_DIR, Manual
from knowledge.questioning import next_question
from knowledge.screener import Screener, Status, Verdict
from knowledge.text import Lang

ICON = {Status.ELIGIBLE: "✅", Status.UNKNOWN: "❓", Status.INELIGIBLE: "❌"}
MARK = {"yes": "✓", "no": "✗", "unknown": "?"}
HEADING = {
    Status.ELIGIBLE: ("받을 수 있어요", "Likely eligible"),
    Status.UNKNOWN: ("확인이 필요해요", "Needs checking"),
    Status.INELIGIBLE: ("해당하지 않아요", "Not eligible"),
}


def manual_dirs(settings: Settings, manual: str | None, local: list[str] | None) -> tuple[Path, list[Path]]:
    root = Path(manual) if manual else (settings.manual_dir or DEFAULT_DIR)
    overlays = [Path(p) for p in local] if local is not None else list(settings.local_manual_dirs)
    return root, overlays


def load_or_report(root: Path, overlays: list[Path], err: TextIO) -> Manual | None:
    try:
        manual, warnings = load_manual(root, overlays)
    except ManualError as exc:
        for issue in exc.issues:
            print(issue, file=err)
        return None
    del warnings  # `validate` reports them; screening and search stay quiet
    return manual


def cmd_validate(settings: Settings, args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up at call time, so redirection and capture work
    root, overlays = manual_dirs(settings, args.manual, args.local)
    if args.local is None and args.manual is None and not overlays:
        # Checking the shipped manual includes every shipped district overlay.
        overlays = sorted(p for p in (root / "local").glob("*") if p.is_dir())
    try:
        manual, warnings = load_manual(root, overlays)
    except ManualError as exc:
        for issue in exc.issues:
            print(issue, file=out)
        errors = len(exc.issues)
        print(f"{errors} error{'s' if errors != 1 else ''} in {root}", file=out)
        return 1
    for warning in warnings:
        print(warning, file=out)
    suffix = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    print(f"OK: {manual.summary()}{suffix}", file=out)
    return 0


def _as_of(raw: str | None) -> dt.date:
    return dt.date.fromisoformat(raw) if raw else dt.date.today()


def screen_json(
    manual: Manual, verdicts: dict[str, Verdict], as_of: dt.date, nxt: str | None, lang: Lang
) -> dict[str, Any]:
    programs = []
    for v in verdicts.values():
        item: dict[str, Any] = {
            "id": v.program,
            "status": v.status.value,
            "reasons": [{"outcome": outcome.value, "text": text} for outcome, text in v.explained(lang)],
            "missing": list(v.missing),
            "questions": list(v.questions),
            "verify": manual.programs[v.program].verify,
        }
        if v.receiving:
            item["receiving"] = True
        if v.instead:
            item["instead"] = v.instead
        programs.append(item)
    return {"as_of": as_of.isoformat(), "programs": programs, "next_question": nxt}


def _said_once(v: Verdict, manual: Manual, lang: Lang) -> list[str]:
    lines = [f"      {MARK[outcome.value]} {text}" for outcome, text in v.explained(lang)]
    if v.missing:
        lines.append(
            f"      → {'더 알아야 할 것' if lang == Lang.KO else 'still needed'}: {', '.join(v.missing)}"
        )
    return lines


def screen_text(
    manual: Manual, verdicts: dict[str, Verdict], as_of: dt.date, nxt: str | None, lang: Lang
) -> str:
    ko = lang == Lang.KO
    lines = [
        f"{'상담 기준일' if ko else 'Consultation date'} {as_of.isoformat()} · "
        f"{len(verdicts)}{'개 사업' if ko else ' programmes'}"
    ]
    received = [v for v in verdicts.values() if v.receiving]
    if received:
        lines.append("")
        lines.append(f"📌 {'이미 받고 있는 지원' if ko else 'Already received'} ({len(received)})")
        lines.extend(f"  • {manual.programs[v.program].name.get(lang)} [{v.program}]" for v in received)
    for status in (Status.ELIGIBLE, Status.UNKNOWN, Status.INELIGIBLE):
        group = [v for v in verdicts.values() if v.status == status and not v.receiving]
        if not group:
            continue
        lines.append("")
        lines.append(f"{ICON[status]} {HEADING[status][0 if ko else 1]} ({len(group)})")
        for v in group:
            program = manual.programs[v.program]
            caution = (
                (" ⚠ 확인 필요한 수치 포함" if ko else " ⚠ includes figures to verify")
                if program.verify
                else ""
            )
            instead = ""
            if v.instead:
                other = manual.programs[v.instead].name.get(lang)
                instead = f" → {'대신' if ko else 'instead'}: {other}"
            lines.append(f"  • {program.name.get(lang)} [{v.program}]{instead}{caution}")
            lines.extend(_said_once(v, manual, lang))
    if nxt:
        lines.append("")
        lines.append(
            f"{'다음 질문' if ko else 'Next question'}: {manual.questions[nxt].text.get(lang)} [{nxt}]"
        )
    return "\n".join(lines)


def _read_answers(path: Path, err: TextIO) -> dict[str, Any] | None:
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{path}: cannot read answers: {exc}", file=err)
        return None
    if not isinstance(answers, dict):
        print(f"{path}: answers must be a JSON object (household facts, DESIGN.md)", file=err)
        return None
    return answers


def _screening_input(
    settings: Settings, args: argparse.Namespace, err: TextIO
) -> tuple[Screener, Any, dt.date] | int:
    """The screener, the household and the date, or the exit code after saying what is wrong."""
    manual = load_or_report(*manual_dirs(settings, args.manual, args.local), err)
    if manual is None:
        return 1
    path = Path(args.answers)
    answers = _read_answers(path, err)
    if answers is None:
        return 1
    try:
        as_of = _as_of(args.as_of)
    except ValueError:
        print(f"--as-of must be a date like 2026-11-24, got {args.as_of!r}", file=err)
        return 2
    screener = Screener(manual)
    try:
        household = screener.household(answers, as_of)
    except FactsError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}", file=err)
        return 1
    return screener, (answers, household), as_of


def cmd_screen(
    settings: Settings, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    found = _screening_input(settings, args, err)
    if isinstance(found, int):
        return found
    screener, (answers, household), as_of = found
    lang = Lang.parse(args.lang)
    verdicts = screener.screen(household, as_of)
    nxt = next_question(screener, answers, as_of)
    if args.json:
        json.dump(screen_json(screener.manual, verdicts, as_of, nxt, lang), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print(screen_text(screener.manual, verdicts, as_of, nxt, lang), file=out)
    return 0


def cmd_explain(
    settings: Settings, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from knowledge.explain import explain

    out, err = out or sys.stdout, err or sys.stderr
    found = _screening_input(settings, args, err)
    if isinstance(found, int):
        return found
    screener, (_, household), as_of = found
    if args.program not in screener.manual.programs:
        known = ", ".join(screener.manual.programs)
        print(f"--program: unknown programme '{args.program}' (known: {known})", file=err)
        return 2
    print(explain(screener, household, as_of, args.program, Lang.parse(args.lang)), file=out)
    return 0


def cmd_search(
    settings: Settings, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from knowledge.finder import Finder, SuggestionKind

    manual = load_or_report(*manual_dirs(settings, args.manual, args.local), err)
    if manual is None:
        return 1
    found = Finder.build(manual).find(" ".join(args.query), limit=args.limit)
    if args.json:
        json.dump(found.as_json(), out, ensure_ascii=False)
        out.write("\n")
        return 0
    lang = Lang.parse(args.lang)
    ko = lang == Lang.KO
    suggestion = found.suggestion
    if suggestion is not None and suggestion.kind == SuggestionKind.HUMAN:
        print(
            "담당자와 직접 상담하실 수 있게 연결해 드릴게요 (보건복지상담센터 ☎129)."
            if ko
            else "We will put you in touch with a person (Health and Welfare Call Centre ☎129).",
            file=out,
        )
        return 0
    if not found.results:
        print("찾는 사업이 없어요." if ko else "No programme matches.", file=out)
    elif not found.confident:
        print("확실하지 않아요. 이 중에 있나요?" if ko else "Not sure. Is it one of these?", file=out)
    for hit in found.results:
        program = manual.programs[hit.program_id]
        print(f"{hit.score:5.1f}  {program.name.get(lang)} [{hit.program_id}]", file=out)
    if suggestion is not None and suggestion.kind == SuggestionKind.DOMAINS:
        names = ", ".join(manual.domains[d].name.get(lang) for d in suggestion.domains)
        print(("분야에서 찾아보세요: " if ko else "Browse by area: ") + names, file=out)
    return 0
