"""Hangul letters for fuzzy search: keystroke-level jamo and initial consonants (초성).

Fuzzy scores over whole syllables punish a one-letter typo as much as a wrong word (기초연굼 and
기초연금 share 3 of 4 syllables, 75%), so search compares the letters a person actually types on a
두벌식 keyboard instead (91%). Compound vowels and final clusters are split into their keystrokes
(ㅘ = ㅗ + ㅏ, ㄺ = ㄹ + ㄱ) for the same reason: 과 typed as 가 is one slip, not a different letter.
"""

from __future__ import annotations

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3
_VOWELS_PER_INITIAL = 21 * 28
_FINALS = 28

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = (
    "ㅏ",
    "ㅐ",
    "ㅑ",
    "ㅒ",
    "ㅓ",
    "ㅔ",
    "ㅕ",
    "ㅖ",
    "ㅗ",
    "ㅗㅏ",
    "ㅗㅐ",
    "ㅗㅣ",
    "ㅛ",
    "ㅜ",
    "ㅜㅓ",
    "ㅜㅔ",
    "ㅜㅣ",
    "ㅠ",
    "ㅡ",
    "ㅡㅣ",
    "ㅣ",
)
_FINAL_KEYS = (
    "",
    "ㄱ",
    "ㄲ",
    "ㄱㅅ",
    "ㄴ",
    "ㄴㅈ",
    "ㄴㅎ",
    "ㄷ",
    "ㄹ",
    "ㄹㄱ",
    "ㄹㅁ",
    "ㄹㅂ",
    "ㄹㅅ",
    "ㄹㅌ",
    "ㄹㅍ",
    "ㄹㅎ",
    "ㅁ",
    "ㅂ",
    "ㅂㅅ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
)
# Standalone compatibility letters typed on their own (ㄱ, ㅏ, ㄳ …) split the same way.
_COMPAT_KEYS = {
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
}
# Conjoining initials (U+1100…) survive NFC when typed alone (some macOS input); read them as ㄱ…ㅎ.
_CONJOINING_INITIALS = {chr(0x1100 + i): ch for i, ch in enumerate(INITIALS)}
_COMPAT_CONSONANTS = frozenset("ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")


def is_syllable(ch: str) -> bool:
    return SYLLABLE_FIRST <= ord(ch) <= SYLLABLE_LAST


def is_jamo(ch: str) -> bool:
    """A compatibility jamo letter (ㄱ…ㅣ), as typed when a syllable is left unfinished."""
    return 0x3131 <= ord(ch) <= 0x318E


def is_hangul(ch: str) -> bool:
    return is_syllable(ch) or is_jamo(ch)


def fold_conjoining(text: str) -> str:
    """Conjoining initial consonants left over after NFC become the compatibility letters."""
    if not any("\u1100" <= ch <= "\u1112" for ch in text):
        return text
    return "".join(_CONJOINING_INITIALS.get(ch, ch) for ch in text)


def keystrokes(text: str) -> str:
    """기초연금 → ㄱㅣㅊㅗㅇㅕㄴㄱㅡㅁ; other characters are kept as they are."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - SYLLABLE_FIRST
        if 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST:
            out.append(INITIALS[code // _VOWELS_PER_INITIAL])
            out.append(_MEDIALS[(code % _VOWELS_PER_INITIAL) // _FINALS])
            out.append(_FINAL_KEYS[code % _FINALS])
        else:
            out.append(_COMPAT_KEYS.get(ch, ch))
    return "".join(out)


def initials(text: str) -> str:
    """The 초성 of every syllable (기초연금 → ㄱㅊㅇㄱ); consonant letters pass, the rest is dropped."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - SYLLABLE_FIRST
        if 0 <= code <= SYLLABLE_LAST - SYLLABLE_FIRST:
            out.append(INITIALS[code // _VOWELS_PER_INITIAL])
        elif ch in _COMPAT_CONSONANTS:
            out.append(ch)
    return "".join(out)


def is_initials_query(text: str) -> bool:
    """True for text made only of consonant letters (spaces aside): ㄱㅊㅇㄱ, ㅇㄷ ㅅㄷ."""
    letters = [ch for ch in text if not ch.isspace()]
    return len(letters) >= 2 and all(ch in _COMPAT_CONSONANTS for ch in letters)


def syllable_count(text: str) -> int:
    return sum(1 for ch in text if is_syllable(ch))
