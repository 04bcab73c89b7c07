"""Masking resident registration and phone numbers in free text before it is stored or forwarded.

Needs logged at a kitchen table ("딸 연락처 010-1234-5678") end up in a coordinator's list and an
export; identifiers must not. Masking is on the text as written (fullwidth digits, dots, spaces)
so nothing else in the note changes.

What is masked, and why the edges are where they are:
- 주민등록번호 / 외국인등록번호: six digits that form a date (YYMMDD), an optional separator, then
  seven digits whose first is 1–8 (1–4 citizens, 5–8 foreigners; 9 and 0 mean born before 1900).
  The tail may be masked already (900101-1******): it still gives birth date and sex, so it goes too.
  The old check digit is not used: numbers issued since October 2020 do not follow it.
- Phone numbers: mobile 010/011/016/017/018/019, area codes 02 and 031–064, 070 (internet phone)
  and 0502–0508 (personal "safe" numbers), with or without separators, also as +82 / 0082.
- Not masked: 1588-1234 style 대표번호, 080 free-call numbers and short numbers (129, 1345): they
  belong to organisations, and the manual itself gives them to residents as where to call; a bare
  six-digit birth date (it is also any date); amounts, dates, ages and household codes (H-0042).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RRN_TOKEN = "[주민등록번호]"
PHONE_TOKEN = "[전화번호]"

# Fullwidth digits and signs map one-to-one onto ASCII, so spans found in the folded copy are the
# same spans in the original text, which is left as written everywhere else.
_FOLD = str.maketrans("０１２３４５６７８９＋（）", "0123456789+()")
_DASH = r"[-‐‑‒–—−－.．]"
_RRN = re.compile(
    rf"(?<!\d)(?P<front>\d{{6}})(?:\s*{_DASH}\s*|\s)?(?P<back>[1-8][\d*xX●]{{6}}|\*{{7}})(?!\d)"
)
_SEP = rf"(?:\s*{_DASH}\s*|\s)?"
_PHONE = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+|00)\s?82\s?[-.]?\s?(?:\(0\)\s?)?|\(?0)"  # +82 10 / 0082 / (0)10 / 010 / (02)
    r"(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8])\)?"
    rf"{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)"
)


@dataclass(frozen=True, slots=True)
class MaskResult:
    text: str
    found: tuple[str, ...]  # kinds masked, in this order: "rrn", "phone"


def _is_birth_date(front: str) -> bool:
    month, day = int(front[2:4]), int(front[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def _replace(original: str, folded: str, pattern: re.Pattern[str], token: str) -> tuple[str, str, bool]:
    """Replace what `pattern` finds in `folded` in both strings; an RRN must start with a date."""
    out_original, out_folded = [], []
    last = 0
    for m in pattern.finditer(folded):
        if "front" in pattern.groupindex and not _is_birth_date(m["front"]):
            continue
        out_original += [original[last : m.start()], token]
        out_folded += [folded[last : m.start()], token]
        last = m.end()
    if not out_original:
        return original, folded, False
    return "".join([*out_original, original[last:]]), "".join([*out_folded, folded[last:]]), True


def mask_pii(text: str) -> MaskResult:
    """Replace resident registration and phone numbers with RRN_TOKEN / PHONE_TOKEN."""
    found = []
    folded = text.translate(_FOLD)
    text, folded, hit = _replace(text, folded, _RRN, RRN_TOKEN)
    if hit:
        found.append("rrn")
    text, folded, hit = _replace(text, folded, _PHONE, PHONE_TOKEN)
    if hit:
        found.append("phone")
    return MaskResult(text, tuple(found))


def contains_pii(text: str) -> bool:
    return bool(mask_pii(text).found)
