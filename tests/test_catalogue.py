"""One catalogue for every fixed word, in Korean and English (catalogue/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import catalogue
from catalogue import CatalogueError

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TAG = re.compile(r"</?([a-z]+)[^>]*>")
# t("key" …) in the chat's and the desk's code; the desk's keys are read with the desk. prefix
CALL = re.compile(r"""(?<![\w.])t\(\s*f?["']([^"'{}]+)["']""")


def test_every_key_has_both_languages_with_the_same_placeholders_and_tags() -> None:
    problems = []
    for key, (ko, en) in catalogue.entries().items():
        if sorted(PLACEHOLDER.findall(ko)) != sorted(PLACEHOLDER.findall(en)):
            problems.append(f"{key}: placeholders {PLACEHOLDER.findall(ko)} / {PLACEHOLDER.findall(en)}")
        if sorted(TAG.findall(ko)) != sorted(TAG.findall(en)):
            problems.append(f"{key}: tags {TAG.findall(ko)} / {TAG.findall(en)}")
    assert problems == []


def _used(folder: str, prefix: str) -> set[str]:
    keys = set()
    for path in (ROOT / folder).rglob("*.py"):
        keys |= {prefix + k for k in CALL.findall(path.read_text(encoding="utf-8")) if not k.endswith(".")}
    return keys


def test_every_key_the_code_asks_for_exists() -> None:
    used = _used("handlers", "") | _used("services", "") | _used("app/dashboard", "desk.")
    assert used, "the scan found the t() calls"
    assert sorted(k for k in used if not catalogue.has(k)) == []


def test_a_missing_language_or_a_key_twice_stops_with_the_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "chat.yaml"
    broken.write_text("a:\n  ko: 가\n  en: A\nb:\n  ko: 나\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="'b' needs exactly ko and en"):
        catalogue._read(broken, "")
    broken.write_text("a:\n  ko: 가\n  en: A\na:\n  ko: 나\n  en: B\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"chat.yaml:4: 'a' is there twice \(first: line 1\)"):
        catalogue._read(broken, "")


def test_labels_of_the_domain_come_from_the_catalogue() -> None:
    from casework.model import NeedStatus, label

    assert label(NeedStatus.ASSIGNED, "ko") == catalogue.t("labels.status.assigned", "ko") == "배정"
    assert label(NeedStatus.ASSIGNED, "en") == "Assigned"
