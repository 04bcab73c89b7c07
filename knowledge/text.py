"""Bilingual text and the number formats both languages use."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, field_validator


class Lang(StrEnum):
    KO = "ko"
    EN = "en"

    @classmethod
    def parse(cls, value: str | None, default: Lang | None = None) -> Lang:
        """Telegram sends codes like 'en-GB'; anything not English is served in Korean."""
        if value and value.lower().startswith("en"):
            return cls.EN
        if value and value.lower().startswith("ko"):
            return cls.KO
        return default or cls.KO


class Text(BaseModel):
    """A string in Korean (required) and English (required, so the second language never shows blanks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ko: str
    en: str

    @field_validator("ko", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    def get(self, lang: Lang | str) -> str:
        return self.en if lang == Lang.EN else self.ko


def won(amount: int | float, lang: Lang | str) -> str:
    """820556 → '820,556원' / 'KRW 820,556'."""
    value = f"{round(amount):,}"
    return f"KRW {value}" if lang == Lang.EN else f"{value}원"


def pick(lang: Lang | str, ko: str, en: str) -> str:
    return en if lang == Lang.EN else ko


def josa(word: str, after_consonant: str, after_vowel: str) -> str:
    """The particle that fits the word's last syllable: 의료급여가, 기초연금이; a trailing (…) is skipped."""
    core = word
    while core.endswith(")") and "(" in core:
        core = core[: core.rindex("(")].rstrip()
    for ch in reversed(core):
        if "가" <= ch <= "힣":
            return after_consonant if (ord(ch) - 0xAC00) % 28 else after_vowel
        if ch.isalnum():
            break
    return f"{after_consonant}({after_vowel})"
