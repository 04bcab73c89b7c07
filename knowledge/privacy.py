"""Masking personal identifiers in free text before it is stored or forwarded.

Needs logged at a kitchen table ("딸 연락처 010-1234-5678") end up in a coordinator's list and an
export; identifiers must not. Masking is on the text as written (fullwidth digits, dots, spaces,
digits read out in Korean words) so nothing else in the note changes.

What is masked, and why the edges are where they are:
- 주민등록번호 / 외국인등록번호: six digits that form a date (YYMMDD), an optional separator, then
  seven digits whose first is 1–8 (1–4 citizens, 5–8 foreigners; 9 and 0 mean born before 1900).
  The tail may be masked already (900101-1******): it still gives birth date and sex, so it goes too.
  The old check digit is not used: numbers issued since October 2020 do not follow it. Also the
  halves on their own when the text names them (앞자리 900101, 뒷자리 1234567, 주민번호 900101),
  and a back half that starts a message right after one that ended with a birth date (the number
  split over two messages: see `ends_with_rrn_front`).
- Phone numbers: mobile 010/011/016/017/018/019, area codes 02 and 031–064, 070 (internet phone)
  and 0502–0508 (personal "safe" numbers), with or without separators, also as +82 / 0082 / 82-.
- Bank accounts: 10 to 16 digits after a word that says so (계좌, 통장, a bank's name, account);
  without such a word, only digit groups joined by hyphens (110-123-456789), 11 to 16 digits, not
  starting with 0 (those are phone-like and left to the phone rule).
- E-mail addresses.
- Street addresses: 동·호수 (101동 1203호, 101-1203호), a road name with its building number
  (세종대로 110, 중앙로12번길 34) and lot numbers (123-45번지).
- Digits read out in Korean words (공일공 일이삼사 오육칠팔, 구공공일공일 다시 일이삼사오육칠) are
  read as digits for the rules above.
- Never masked: an amount with a currency unit. A digit run written without separators directly
  before 원 (also 만원, 억원 …) / won / KRW, or after ₩ / KRW, is an amount, whatever its digits look like
  (1501011234567원, 0101234567원): nobody writes a unit after an identifier, and people do type
  large amounts without commas. Written with the separators an identifier uses (900101-1234567원)
  it is still masked: amounts are not written with hyphens.
- Not masked either: 1588-1234 style 대표번호, 080 free-call numbers and short numbers (129, 1345):
  they belong to organisations, and the manual itself gives them to residents as where to call; a
  bare six-digit birth date (it is also any date); dates, ages and household codes (H-0042).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

RRN_TOKEN = "[주민등록번호]"
PHONE_TOKEN = "[전화번호]"
ACCOUNT_TOKEN = "[계좌번호]"
EMAIL_TOKEN = "[이메일]"
ADDRESS_TOKEN = "[주소]"
TOKENS = {
    "rrn": RRN_TOKEN,
    "phone": PHONE_TOKEN,
    "account": ACCOUNT_TOKEN,
    "email": EMAIL_TOKEN,
    "address": ADDRESS_TOKEN,
}
KINDS = tuple(TOKENS)  # the order `found` lists them in

# Fullwidth digits and signs map one-to-one onto ASCII, so spans found in the folded copy are the
# same spans in the original text, which is left as written everywhere else.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(0x5E)}  # every fullwidth ASCII form: ０-９, Ａ-ｚ, ＋, ＠ …
# Digits read out one by one in Korean ("공일공"), also one character for one: a second folded copy.
_WORD_DIGITS = str.maketrans("공영빵일이삼사오육륙칠팔구", "0001234566789")
_WORD_DIGIT_CHARS = "공영빵일이삼사오육륙칠팔구"
_DASH = r"[-‐‑‒–—−－.．]"
_SEP = rf"(?:\s*{_DASH}\s*|\s)?"
_RRN = re.compile(
    rf"(?<!\d)(?P<front>\d{{6}})(?:\s*{_DASH}\s*|\s)?(?P<back>[1-8][\d*xX●]{{6}}|\*{{7}})(?!\d)"
)
_PHONE = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+|00)\s?82\s?[-.]?\s?(?:\(0\)\s?)?|82\s?[-.\s]\s?|\(?0)"  # +82 10 / 0082 / 82-10 / 010 / (02)
    r"(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8])\)?"
    rf"{_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)"
)
# The words that say the number after them is (half of) a resident number or an account number.
_RRN_WORDS = r"(?:주민\s*(?:등록)?\s*번호|외국인\s*등록\s*번호|앞\s*자리|앞\s*번호|앞\s*6\s*자리)"
_RRN_BACK_WORDS = r"(?:뒷\s*자리|뒤\s*자리|뒷\s*번호|뒤\s*7\s*자리)"
_FILLER = r"[^\d\n]{0,8}?"  # "는 ", ": ", "은요 " between the word and the number
_RRN_FRONT_NAMED = re.compile(rf"{_RRN_WORDS}{_FILLER}(?<!\d)(?P<n>\d{{6}})(?!\d)")
_RRN_BACK_NAMED = re.compile(rf"{_RRN_BACK_WORDS}{_FILLER}(?<!\d)(?P<n>[1-8][\d*xX●]{{6}}|\*{{7}})(?!\d)")
_RRN_BACK_LEADING = re.compile(rf"^\s*(?:{_DASH}\s*)?(?P<n>[1-8][\d*xX●]{{6}}|\*{{7}})(?!\d)")
_RRN_FRONT_TRAILING = re.compile(rf"(?<!\d)(?P<n>\d{{6}})\s*(?:{_DASH}\s*)?$")
# 우리 / 하나 / 국민 / 기업 alone are everyday words; "우리은행" is caught by 은행.
_ACCOUNT_WORDS = (
    r"(?:계좌|통장|입금|송금|은행|뱅크|농협|신한|카카오|토스|우체국|새마을|신협|수협|씨티|케이뱅크"
    r"|(?<![A-Za-z])(?:account|acct|bank|KB|NH|IBK|SC)(?![A-Za-z]))"
)
_ACCOUNT_NAMED = re.compile(
    rf"{_ACCOUNT_WORDS}[^\d\n]{{0,12}}?(?<!\d)(?P<n>\d(?:[\d]|[-\s](?=\d)){{9,22}})(?![\d])", re.IGNORECASE
)
_ACCOUNT_DASHED = re.compile(r"(?<![\d-])(?P<n>[1-9]\d{1,6}(?:-\d{1,8}){2,3})(?![\d-])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_DONG_HO = re.compile(r"(?<!\d)\d{1,4}\s?동\s?\d{1,5}\s?호(?!선)|(?<![\d-])\d{1,4}-\d{1,5}\s?호(?!선)")
# What may follow a number that is not a building number: units of money, people, time, amounts.
_UNIT_AFTER = (
    r"(?:만|천|억|조|원|명|인|세|살|년|개월|월|일|시|분|초|개|회|번(?!길|지)|%|퍼|kg|km|평|대|가구|차|주"
    r"|정거장|쪽|배|장|권|병|통|잔|마리|달)"
)
_ROAD = re.compile(
    r"(?<![가-힣])(?P<name>[가-힣A-Za-z0-9]{0,12}[가-힣0-9](?:대로|로|길))\s?"
    r"\d{1,4}(?:번길\s?\d{1,4})?(?:-\d{1,4})?"
    rf"(?![\d.,]|\s?{_UNIT_AFTER})"
)
_LOT = re.compile(r"(?<![\d-])\d{1,5}(?:-\d{1,5})?\s?번지")
# Only 원 itself: after a run as long as an identifier, 만 is the particle "only" (010…5678만 있어요).
_AMOUNT_AFTER = re.compile(r"\s?(?:[만천억조]\s?)?(?:원|won(?![a-z])|krw(?![a-z]))", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(r"(?:₩|￦|krw)\s?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MaskResult:
    text: str
    found: tuple[str, ...]  # kinds masked, in KINDS order: "rrn", "phone", "account", "email", "address"


Span = tuple[int, int, str]


def _is_birth_date(front: str) -> bool:
    month, day = int(front[2:4]), int(front[4:6])
    return 1 <= month <= 12 and 1 <= day <= 31


def _is_amount(folded: str, start: int, end: int) -> bool:
    """A bare digit run written as money: a currency unit right after, or ₩ / KRW right before."""
    if not folded[start:end].isdigit():
        return False  # separators: an identifier's way of writing, not an amount's
    return bool(_AMOUNT_AFTER.match(folded, end) or _AMOUNT_BEFORE.search(folded, 0, start))


def _word_folds(folded: str) -> Iterator[str]:
    """Copies with Korean digit words read as digits, the same length as the text.

    "다시" between digits is how a hyphen is read out. A 이 ending a run of digit words may be the
    particle (…오육칠팔이에요), so a second copy reads it as not a digit.
    """
    if not any(ch in _WORD_DIGIT_CHARS for ch in folded):
        return
    words = folded.translate(_WORD_DIGITS)
    words = re.sub(r"(?<=\d)(\s*)다시(\s*)(?=\d)", lambda m: f"{m[1]}- {m[2]}", words)
    yield words
    yield re.sub(r"(?<=\d)2(?=[^\d\s-]|$)", "x", words)


def _rrn(folded: str) -> Iterator[tuple[int, int]]:
    for m in _RRN.finditer(folded):
        if _is_birth_date(m["front"]) and not _is_amount(folded, m.start(), m.end()):
            yield m.start(), m.end()
    for m in _RRN_FRONT_NAMED.finditer(folded):
        if _is_birth_date(m["n"]):
            yield m.start("n"), m.end("n")
    for m in _RRN_BACK_NAMED.finditer(folded):
        yield m.start("n"), m.end("n")


def _phone(folded: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE.finditer(folded):
        if not _is_amount(folded, m.start(), m.end()):
            yield m.start(), m.end()


def _account(folded: str) -> Iterator[tuple[int, int]]:
    for m in _ACCOUNT_NAMED.finditer(folded):
        digits = sum(ch.isdigit() for ch in m["n"])
        if 10 <= digits <= 16 and not _is_amount(folded, m.start("n"), m.end("n")):
            yield m.start("n"), m.end("n")
    for m in _ACCOUNT_DASHED.finditer(folded):
        if 11 <= sum(ch.isdigit() for ch in m["n"]) <= 16:
            yield m.start("n"), m.end("n")


def _email(folded: str) -> Iterator[tuple[int, int]]:
    for m in _EMAIL.finditer(folded):
        yield m.start(), m.end()


def _address(folded: str) -> Iterator[tuple[int, int]]:
    for pattern in (_DONG_HO, _LOT):
        for m in pattern.finditer(folded):
            yield m.start(), m.end()
    for m in _ROAD.finditer(folded):
        if not m["name"].endswith("으로"):  # the particle (병원으로 2), not a road
            yield m.start(), m.end()


_DETECTORS: tuple[tuple[str, Callable[[str], Iterator[tuple[int, int]]], bool], ...] = (
    # kind, detector, also on digits read out in words
    ("rrn", _rrn, True),
    ("phone", _phone, True),
    ("account", _account, False),
    ("email", _email, False),
    ("address", _address, False),
)


def _spans(text: str, after_rrn_front: bool) -> list[Span]:
    folded = text.translate(_FOLD)
    chosen: list[Span] = []

    def take(start: int, end: int, kind: str) -> None:
        # Earlier kinds win where two overlap: a resident number is never cut up as a phone number.
        if start < end and all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))

    if after_rrn_front and (m := _RRN_BACK_LEADING.match(folded)) is not None:
        take(m.start("n"), m.end("n"), "rrn")
    for kind, detect, in_words in _DETECTORS:
        for start, end in detect(folded):
            take(start, end, kind)
        if in_words:
            for words in _word_folds(folded):
                for start, end in detect(words):
                    take(start, end, kind)
    return sorted(chosen)


def mask_pii(text: str, *, after_rrn_front: bool = False) -> MaskResult:
    """Replace identifiers with their tokens (RRN_TOKEN, PHONE_TOKEN, …) and say which kinds.

    after_rrn_front: the chat's previous message ended with what may be the first half of a resident
    number, so seven digits opening this one are its second half.
    """
    spans = _spans(text, after_rrn_front)
    if not spans:
        return MaskResult(text, ())
    parts, last = [], 0
    for start, end, kind in spans:
        parts += [text[last:start], TOKENS[kind]]
        last = end
    parts.append(text[last:])
    kinds = {kind for _, _, kind in spans}
    return MaskResult("".join(parts), tuple(k for k in KINDS if k in kinds))


def contains_pii(text: str, *, after_rrn_front: bool = False) -> bool:
    return bool(_spans(text, after_rrn_front))


def ends_with_rrn_front(text: str) -> bool:
    """The text ends with six digits forming a birth date (maybe with a hyphen after): the first half
    of a resident number whose second half may come in the next message."""
    folded = text.translate(_FOLD)
    for candidate in (folded, *_word_folds(folded)):
        m = _RRN_FRONT_TRAILING.search(candidate)
        if m is not None and _is_birth_date(m["n"]):
            return True
    return False
