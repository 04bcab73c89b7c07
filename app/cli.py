"""Command-line commands that need no Telegram: validate, screen, search."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from app.settings import Settings
from knowledge.answers import check_answers
from knowledge.engine import Status, Verdict, screen
from knowledge.loader import ManualError, load_manual
from knowledge.manual import DEFAULT_DIR, Manual
from knowledge.questioning import next_question
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
    return {
        "as_of": as_of.isoformat(),
        "programs": [
            {
                "id": v.program,
                "status": v.status.value,
                "reasons": [{"outcome": outcome.value, "text": text} for outcome, text in v.explained(lang)],
                "missing": list(v.missing),
                "verify": manual.programs[v.program].verify,
            }
            for v in verdicts.values()
        ],
        "next_question": nxt,
    }


def screen_text(
    manual: Manual, verdicts: dict[str, Verdict], as_of: dt.date, nxt: str | None, lang: Lang
) -> str:
    ko = lang == Lang.KO
    lines = [
        f"{'상담 기준일' if ko else 'Consultation date'} {as_of.isoformat()} · "
        f"{len(verdicts)}{'개 사업' if ko else ' programmes'}"
    ]
    for status in (Status.ELIGIBLE, Status.UNKNOWN, Status.INELIGIBLE):
        group = [v for v in verdicts.values() if v.status == status]
        if not group:
            continue
        lines.append("")
        lines.append(f"{ICON[status]} {HEADING[status][0 if ko else 1]} ({len(group)})")
        for v in group:
            program = manual.programs[v.program]
            caution = (
                (
                    " ⚠ 금액·기준은 변동될 수 있으니 확인하세요"
                    if ko
                    else " ⚠ figures may change, please check"
                )
                if program.verify
                else ""
            )
            lines.append(f"  • {program.name.get(lang)} [{v.program}]{caution}")
            lines.extend(f"      {MARK[outcome.value]} {text}" for outcome, text in v.explained(lang))
            if v.missing:
                asked = ", ".join(manual.questions[q].short.get(lang) for q in v.missing)
                lines.append(f"      → {'더 알아야 할 것' if ko else 'still needed'}: {asked}")
    if nxt:
        lines.append("")
        lines.append(
            f"{'다음 질문' if ko else 'Next question'}: {manual.questions[nxt].text.get(lang)} [{nxt}]"
        )
    return "\n".join(lines)


def cmd_screen(
    settings: Settings, args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    manual = load_or_report(*manual_dirs(settings, args.manual, args.local), err)
    if manual is None:
        return 1
    path = Path(args.answers)
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{path}: cannot read answers: {exc}", file=err)
        return 2
    if not isinstance(answers, dict):
        print(f"{path}: answers must be a JSON object of answer id → value", file=err)
        return 2
    if problems := check_answers(manual, answers):
        for problem in problems:
            print(f"{path}: {problem}", file=err)
        return 2
    try:
        as_of = _as_of(args.as_of)
    except ValueError:
        print(f"--as-of must be a date like 2026-11-24, got {args.as_of!r}", file=err)
        return 2
    lang = Lang.parse(args.lang)
    verdicts = screen(manual, answers, as_of)
    nxt = next_question(manual, answers, as_of)
    if args.json:
        json.dump(screen_json(manual, verdicts, as_of, nxt, lang), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        print(screen_text(manual, verdicts, as_of, nxt, lang), file=out)
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
        print("담당자와 직접 상담하실 수 있게 연결해 드릴게요 (보건복지상담센터 ☎129)." if ko
              else "We will put you in touch with a person (Health and Welfare Call Centre ☎129).", file=out)
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
