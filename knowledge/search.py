"""Free-text programme search: names, keywords and synonyms in Korean and English.

People type 기초연굼, 기초 연금, 기초연금을 받고 싶어요, ㄱㅊㅇㄱ or "old age pension" and mean the same
programme. Queries are normalised (NFC, case, punctuation, full-width letters), spacing between Korean
syllables is ignored, and particles, endings and filler (을, 받고 싶어요, 신청 방법 …) are stripped
without cutting into known words. The index is built once per manual; a query then combines cheap
signals, each a dictionary look-up, a substring search in C or a rapidfuzz scan:

* spans of the query that are exactly a programme's term (so "우리 엄마 기초연금" finds 기초연금 inside
  a sentence), and terms of several words found in any order, scored by how much of the query they
  explain;
* the query, or a word of it, as a fragment of a term (기초 → 기초연금; 다함께 → 다함께돌봄센터);
* edit similarity over keystroke-level jamo (one wrong letter in 기초연굼 still scores about 90);
* 초성 queries (ㄱㅊㅇㄱ) against the initial consonants of every Korean term.

Domain and group names (주거, 양육, housing, 노인 …) are terms of every programme in them at a lower
weight, so a domain word lists that domain's programmes and is reported as ambiguous.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from knowledge.hangul import fold_conjoining, initials, is_hangul, is_initials_query, is_syllable, keystrokes

if TYPE_CHECKING:
    from knowledge.manual import Manual

# ---------------------------------------------------------------- scores (0–100)

DEFAULT_CUTOFF = 60.0
"""Hits below this are dropped: under 60 the best match is usually a shared syllable or two, which
reads as noise to a resident. Configurable per call (`cutoff=`) and by the caller's settings."""

CONFIDENT_SCORE = 85.0
"""A top hit at or above this needs no "did you mean": exact names score 100, one typo about 90,
a name inside a longer sentence 85–98. Two typos, a bare fragment or a colloquial phrase that only
brushes a keyword land below, and the bot offers buttons instead of guessing."""

CLEAR_MARGIN = 6.0
"""If the runner-up is closer than this, the query fits two programmes about equally (장려금 → 근로/자녀
장려금, 연금 → 기초/장애인연금): ask. A one-letter typo moves a score by about 5–9, so a smaller
margin would treat "which of two near-identical names" as settled."""

EXACT = 100.0
CONTAIN_BASE = 72.0  # a term found inside the query: 72 + 22 × (weighted share of the query it explains)
CONTAIN_SPAN = 22.0  # at most 94, so one exact name (100) stays clearly ahead of two words that fit another
FRAGMENT_BASE = 70.0  # the query inside a term: 70 + 25 × (share of the term it covers) (+5 at the start)
FRAGMENT_SPAN = 25.0
PREFIX_BONUS = 5.0
FRAGMENT_COVER = 0.6  # a query word that is only part of a term explains that word at this weight
FRAGMENT_STRENGTH = 0.85  # … and a query explained by such parts alone is a suggestion, not an answer
FUZZY_MIN = 72.0  # keystroke similarity below this is a different word, not a typo
TOKEN_FUZZY_BASE = 0.85  # a typo'd word inside a longer query: similarity × (0.85 + 0.15 × its share)
INITIALS_EXACT = 95.0  # 초성 are ambiguous by nature, so even a full match stays just under a typed name
INITIALS_FUZZY = 0.9

NAME_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.98  # a synonym is a little less certain than the programme's own words
CATEGORY_WEIGHT = 0.85  # domain and group names belong to many programmes; never outrank a real name
PART_WEIGHT = 0.9  # a part of a name (청소년 of 스포츠강좌이용권 (유·청소년·장애인)) may be only a qualifier

MAX_QUERY_UNITS = 48  # a pasted paragraph is cut here; nobody names a programme after 48 syllables
FUZZY_LIMIT = 64
COMMON_FRAGMENT = 200  # a fragment inside more terms than this (지원 in a national catalogue) is ignored
MAX_FUZZY_TOKENS = 3

# ---------------------------------------------------------------- normalisation

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NOT_WORD = re.compile(r"[^0-9a-z\uac00-\ud7a3\u3131-\u318e]+")
_SCRIPT_RUN = re.compile(r"[0-9a-z]+|[\uac00-\ud7a3\u3131-\u318e]+")


def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


# Words that say what the person wants to do with a programme, not which one (신청 방법, 자격, 얼마 …).
KO_STOPWORDS = _word_set(
    "신청 신청방법 신청하기 신청기간 신청서 신청처 방법 기준 대상 대상자 자격 조건 요건 얼마 얼마나 얼마예요",
    "얼마까지 금액 알려줘 알려주세요 알려줘요 궁금 궁금해요 궁금합니다 문의 안내 정보 관련 내용",
    "받고 받을 받는 받으려면 받으면 받아요 받나요 싶어요 싶은데 싶습니다 싶다 있나요 있어요 있을까요 있는지",
    "없나요 하나요 되나요 돼요 되요 해요 할까요 하려면 하고 수 좀 어떻게 어떤 뭐 뭐예요 뭐에요 뭔가요 무엇",
    "무엇인가요 언제 언제예요 언제부터 어디 어디서 어디에서 가능 가능한가요 가능해요 여부 저 제가 나 내가",
    "우리 저희 혹시 그리고 또 지금 요즘 해당 해당되나요 나와요 나오나요 주나요 주세요 해주세요 알고 찾아요",
    "찾고 필요해요 필요한 같은 것 거 건가요 인가요 입니다 이에요 예요 이요 요 몇 살 살까지 기간 시기 서류",
    "필요서류 구비서류 지급일",
)
EN_STOPWORDS = _word_set(
    "how to do does i apply application applying for the a an what is are can get my me we our please",
    "want need about am eligible eligibility who where when much many information info tell with",
)
# Generic words that close many programme names (청년월세 지원, 아이돌봄 서비스). Names are indexed without
# them as well, so dropping them from a query loses nothing and stops them counting as unexplained.
GENERIC_WORDS = _word_set(
    "지원 지원금 서비스 제도 사업 혜택",
    "support service services program programme scheme",
)
_GENERIC_TAILS = ("지원사업", "사업", "서비스", "지원", "제도", "support", "services", "service", "programme")
# Endings stripped from the end of a Korean word, longest first. Single-syllable particles only come off
# a stem of two syllables or more (or a stem that is a known term), so 국가 and 아이 stay whole.
_ENDINGS = tuple(
    sorted(
        _word_set(
            "받고싶어요 받고싶은데 받을수있나요 받을수있어요 신청하고싶어요 신청하려면 신청하는법 신청방법",
            "신청하기 신청기간 신청 방법 대상자 대상 지원금 지원 서비스 하려면 하고싶어요 하고싶은데 하는법",
            "하는방법 할수있나요 해야하나요 받으려면 받는법 받는방법 알려주세요 알려줘 있나요 하나요 되나요",
            "인가요 인데요 인데 이에요 예요 이요 은요 는요 이란 이라는 이랑 에서는 에게서 에서 에게 한테",
            "으로 까지 부터 처럼 하고 랑 을 를 이 가 은 는 도 에 의 와 과 로 만 요",
        ),
        key=lambda e: (-len(e), e),
    )
)
_ENDING_SET = frozenset(e for e in _ENDINGS if len(e) > 1)  # a word that is only an ending is dropped
_FORMER = re.compile(r"^\s*(?:구|옛|formerly|former)\s+", re.IGNORECASE)  # (구 청년도약계좌) → 청년도약계좌
_NAME_SPLIT = re.compile(r"\s*(?:[()\[\]·/,=→]|\s및\s|\sand\s|\sor\s)\s*")


def normalize(text: str) -> str:
    """NFC, lower case, full-width ASCII folded, punctuation to spaces, spaces collapsed.

    NFKC would also fold full-width letters but turns a typed ㄱ into a conjoining jamo, which breaks
    초성 queries; so only the full-width block is folded by hand.
    """
    text = fold_conjoining(unicodedata.normalize("NFC", text)).translate(_FULLWIDTH).lower()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    """Normalised words, split where the script changes (65세 → 65, 세; kt할인 → kt, 할인)."""
    return _SCRIPT_RUN.findall(normalize(text))


def _units(word: str) -> list[str]:
    """Korean words split into syllables (spacing is optional in Korean); other words stay whole."""
    return list(word) if is_hangul(word[0]) else [word]


def compact(units: Iterable[str]) -> str:
    """Units joined so spacing between Korean syllables never matters (기초 연금 → 기초연금)."""
    out: list[str] = []
    prev_korean = False
    for unit in units:
        korean = is_hangul(unit[0])
        if out and not (korean and prev_korean):
            out.append(" ")
        out.append(unit)
        prev_korean = korean
    return "".join(out)


def _letters(unit: str) -> int:
    return len(keystrokes(unit)) if is_hangul(unit[0]) else len(unit)


def _meaningful(text: str) -> bool:
    """Long enough to search by: two Korean syllables or three Latin letters or digits."""
    syllables = sum(1 for ch in text if is_syllable(ch))
    return syllables >= 2 or sum(1 for ch in text if ch.isascii() and ch.isalnum()) >= 3


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Hit:
    program_id: str
    score: float


def results_json(hits: Sequence[Hit]) -> dict[str, list[dict[str, str | float]]]:
    """The shape `bot.py search --json` prints (DESIGN.md): {"results": [{"id", "score"}]}, best first."""
    return {"results": [{"id": h.program_id, "score": h.score} for h in hits]}


@dataclass(slots=True)
class _Query:
    units: list[str]
    letters: list[int]
    starts: list[int]  # offset of each unit in `text`
    text: str  # compact form of the cleaned query
    words: list[tuple[int, int]]  # unit ranges of the cleaned words

    @property
    def total_letters(self) -> int:
        return sum(self.letters)

    def span(self, i: int, j: int) -> str:
        return self.text[self.starts[i] : self.starts[j - 1] + len(self.units[j - 1])]


def _build_query(word_list: Sequence[str]) -> _Query:
    units: list[str] = []
    ranges: list[tuple[int, int]] = []
    for word in word_list:
        start = len(units)
        units.extend(_units(word))
        ranges.append((start, len(units)))
    if len(units) > MAX_QUERY_UNITS:
        units = units[:MAX_QUERY_UNITS]
        ranges = [(a, min(b, MAX_QUERY_UNITS)) for a, b in ranges if a < MAX_QUERY_UNITS]
    text = compact(units)
    starts: list[int] = []
    pos = 0
    prev_korean = False
    for n, unit in enumerate(units):
        korean = is_hangul(unit[0])
        if n and not (korean and prev_korean):
            pos += 1
        starts.append(pos)
        pos += len(unit)
        prev_korean = korean
    return _Query(units, [_letters(u) for u in units], starts, text, ranges)


# ---------------------------------------------------------------- the index


@dataclass(slots=True)
class _Terms:
    """Unique term strings with the programmes they belong to, plus the structures to find them fast."""

    text: list[str]
    letters: list[int]
    postings: list[list[tuple[int, float]]]
    by_text: dict[str, int]
    blob: str  # every term, "\n"-separated: substring search runs in C
    blob_starts: list[int]
    fuzzy_keys: list[str]  # keystroke forms, sorted by length, for edit similarity
    fuzzy_lens: list[int]
    fuzzy_ids: list[int]

    @classmethod
    def build(cls, entries: dict[str, dict[int, float]], key: Callable[[str], str]) -> _Terms:
        text = list(entries)
        by_text = {t: n for n, t in enumerate(text)}
        postings = [sorted(entries[t].items()) for t in text]
        starts: list[int] = []
        pos = 0
        for t in text:
            starts.append(pos)
            pos += len(t) + 1
        keys = [key(t) for t in text]
        keyed = sorted(zip(keys, range(len(text)), strict=True), key=lambda kv: len(kv[0]))
        return cls(
            text=text,
            letters=[len(k) for k in keys],
            postings=postings,
            by_text=by_text,
            blob="\n".join(text),
            blob_starts=starts,
            fuzzy_keys=[k for k, _ in keyed],
            fuzzy_lens=[len(k) for k, _ in keyed],
            fuzzy_ids=[n for _, n in keyed],
        )

    def containing(
        self, fragment: str, word_start: bool, most: int | None = None
    ) -> list[tuple[int, bool]] | None:
        """(term, fragment is at the term's start) for every term containing `fragment`.

        None when more than `most` terms contain it: such a fragment (지원, 서비스) says nothing.
        """
        blob, starts = self.blob, self.blob_starts
        found: list[tuple[int, bool]] = []
        i = blob.find(fragment)
        while i != -1:
            term = bisect.bisect_right(starts, i) - 1
            at_start = i == starts[term]
            if word_start and not at_start and blob[i - 1] != " ":
                i = blob.find(fragment, i + 1)
                continue
            found.append((term, at_start))
            if most is not None and len(found) > most:
                return None
            following = term + 1
            i = blob.find(fragment, starts[following]) if following < len(starts) else -1
        return found

    def similar(self, key: str, cutoff: float) -> list[tuple[int, float]]:
        """Terms whose keystrokes are at least `cutoff` similar (normalised Indel) to `key`."""
        n = len(key)
        if not n:
            return []
        # ratio ≥ c needs the shorter of the two to be at least c / (2 − c) of the longer one.
        shrink = cutoff / (200.0 - cutoff)
        lo = bisect.bisect_left(self.fuzzy_lens, int(n * shrink))
        hi = bisect.bisect_right(self.fuzzy_lens, int(n / shrink) + 1)
        if lo >= hi:
            return []
        found = process.extract(
            key, self.fuzzy_keys[lo:hi], scorer=fuzz.ratio, score_cutoff=cutoff, limit=FUZZY_LIMIT
        )
        return [(self.fuzzy_ids[lo + idx], score) for _, score, idx in found]


def _term_forms(text: str) -> dict[str, float]:
    """A name as people shorten it, with how surely each form means the programme (1 = fully).

    Whole and without a generic tail (노인맞춤돌봄서비스 → 노인맞춤돌봄; Youth rent support → youth rent)
    count fully; parts split at (), ·, /, 및 (생계급여 (국민기초생활보장) → 생계급여, 국민기초생활보장) a
    little less, since a part such as 청소년 may be only a qualifier. Works for any manual, so no
    programme needs these as keywords.
    """
    forms = {text: 1.0}
    parts = [_FORMER.sub("", p) for p in _NAME_SPLIT.split(text) if p and p.strip()]
    if len(parts) > 1:
        for part in parts:
            forms.setdefault(part, PART_WEIGHT)
    for form, weight in list(forms.items()):
        norm = normalize(form)
        for tail in _GENERIC_TAILS:
            if norm.endswith(tail) and len(norm) > len(tail):
                core = norm[: -len(tail)].strip()
                if _meaningful(core) and forms.get(core, 0.0) < weight:
                    forms[core] = weight
                break
    return forms


class SearchIndex:
    """Everything a query needs, computed once per manual (normalised, keystroke and 초성 forms)."""

    def __init__(
        self,
        program_ids: list[str],
        terms: _Terms,
        initial_terms: _Terms,
        word_terms: dict[str, list[tuple[tuple[str, ...], int]]],
    ) -> None:
        self._ids = program_ids
        self._terms = terms
        self._initials = initial_terms
        self._word_terms = word_terms  # several-word terms, filed under their rarest word
        self._max_units = max((len(t) for t in terms.text), default=1)

    # ------------------------------------------------------------ building

    @classmethod
    def build(cls, manual: Manual) -> SearchIndex:
        program_ids = list(manual.programs)
        entries: dict[str, dict[int, float]] = {}

        prepared: dict[str, list[tuple[str, float]]] = {}  # the same words recur across programmes

        def prepare(raw: str) -> list[tuple[str, float]]:
            out = []
            for form, sureness in _term_forms(raw).items():
                found = words(form)
                if not found:
                    continue
                text = compact(u for w in found for u in _units(w))
                out.append((text, sureness))
                significant = tuple(w for w in found if w not in GENERIC_WORDS)
                if len(significant) > 1:
                    several.add((significant, text))
            return out

        def add(raw: str, program: int, weight: float) -> list[str]:
            forms = prepared.get(raw)
            if forms is None:
                forms = prepared[raw] = prepare(raw)
            for text, sureness in forms:
                slot = entries.setdefault(text, {})
                if slot.get(program, 0.0) < weight * sureness:
                    slot[program] = weight * sureness
            return [text for text, _ in forms]

        domain_names = {d.id: (d.name.ko, d.name.en) for d in manual.domains.values()}
        group_names = {g.id: (g.name.ko, g.name.en) for g in manual.groups.values()}
        categories: set[str] = set()
        several: set[tuple[tuple[str, ...], str]] = set()
        for n, program in enumerate(manual.programs.values()):
            for name in (program.name.ko, program.name.en):
                add(name, n, NAME_WEIGHT)
            for keyword in program.keywords:
                add(keyword, n, KEYWORD_WEIGHT)
            for synonym in program.synonyms:
                add(synonym, n, SYNONYM_WEIGHT)
            phrases = manual.phrases.get(program.id)
            for abbreviation in phrases.abbreviations if phrases is not None else ():
                add(abbreviation, n, SYNONYM_WEIGHT)  # 에바, 청내저: officials' names for the programme
            for name in domain_names.get(program.domain, ()):
                categories.update(add(name, n, CATEGORY_WEIGHT))
            for group in program.groups:
                for name in group_names.get(group, ()):
                    categories.update(add(name, n, CATEGORY_WEIGHT))
        # A keyword that is also a domain or group name (장애인, 청년) names a category, not a programme.
        for text in categories:
            slot = entries[text]
            for number, weight in slot.items():
                slot[number] = min(weight, CATEGORY_WEIGHT)

        terms = _Terms.build(entries, keystrokes)
        by_initials: dict[str, dict[int, float]] = {}
        for text, posting in entries.items():
            if not all(is_syllable(ch) for ch in text) or len(text) < 2:
                continue
            slot = by_initials.setdefault(initials(text), {})
            for number, weight in posting.items():
                if slot.get(number, 0.0) < weight:
                    slot[number] = weight
        frequency = Counter(w for found, _ in several for w in set(found))
        word_terms: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for found, text in sorted(several):
            rarest = min(found, key=lambda w: (frequency[w], w))
            word_terms.setdefault(rarest, []).append((found, terms.by_text[text]))
        return cls(program_ids, terms, _Terms.build(by_initials, lambda s: s), word_terms)

    @property
    def size(self) -> int:
        """Number of distinct terms indexed (for benchmarks and sanity checks)."""
        return len(self._terms.text)

    # ------------------------------------------------------------ querying

    def _clean(self, raw_words: list[str]) -> list[str]:
        """Drop filler words and strip particles and endings, without cutting into known terms."""
        blob, exact = self._terms.blob, self._terms.by_text
        out: list[str] = []
        for word in raw_words:
            if not is_hangul(word[0]):
                if word not in EN_STOPWORDS and word not in GENERIC_WORDS:
                    out.append(word)
                continue
            for _ in range(3):
                if word in KO_STOPWORDS or word in GENERIC_WORDS or word in _ENDING_SET or word in blob:
                    break
                for ending in _ENDINGS:
                    if not word.endswith(ending) or len(word) == len(ending):
                        continue
                    stem = word[: -len(ending)]
                    if len(ending) > 1 or len(stem) >= 2 or stem in exact:
                        word = stem
                        break
                else:
                    break
            if word and word not in KO_STOPWORDS and word not in GENERIC_WORDS and word not in _ENDING_SET:
                out.append(word)
        return out

    def search(self, query: str, limit: int = 5, cutoff: float | None = None) -> list[Hit]:
        """Programmes matching `query`, best first, each scored 0–100; nothing under `cutoff`."""
        threshold = DEFAULT_CUTOFF if cutoff is None else cutoff
        raw_words = words(query)
        if not raw_words or limit <= 0:
            return []
        scores: dict[int, float] = {}
        if is_initials_query(" ".join(raw_words)):
            self._score_initials("".join(raw_words), scores)
        else:
            self._score_text(raw_words, scores)
        ranked = heapq.nsmallest(
            limit,
            ((-s, p) for p, s in scores.items() if s >= threshold),
        )
        return [Hit(self._ids[p], round(min(EXACT, -neg), 1)) for neg, p in ranked]

    def is_ambiguous(self, hits: Sequence[Hit]) -> bool:
        """True when the bot should ask "혹시 이것을 찾으셨나요?" rather than open the top hit."""
        if not hits:
            return False
        if hits[0].score < CONFIDENT_SCORE:
            return True
        return len(hits) > 1 and hits[0].score - hits[1].score < CLEAR_MARGIN

    # ------------------------------------------------------------ scoring

    @staticmethod
    def _raise(scores: dict[int, float], postings: Iterable[tuple[int, float]], score: float) -> None:
        for program, weight in postings:
            value = score * weight
            if scores.get(program, 0.0) < value:
                scores[program] = value

    def _score_initials(self, letters: str, scores: dict[int, float]) -> None:
        terms = self._initials
        exact = terms.by_text.get(letters)
        if exact is not None:
            self._raise(scores, terms.postings[exact], INITIALS_EXACT)
        for term, at_start in terms.containing(letters, False, COMMON_FRAGMENT) or ():
            if term != exact:
                share = len(letters) / terms.letters[term]
                score = FRAGMENT_BASE + FRAGMENT_SPAN * share + (PREFIX_BONUS if at_start else 0.0)
                self._raise(scores, terms.postings[term], score)
        for term, similarity in terms.similar(letters, FUZZY_MIN):
            self._raise(scores, terms.postings[term], similarity * INITIALS_FUZZY)

    def _score_text(self, raw_words: list[str], scores: dict[int, float]) -> None:
        terms = self._terms
        cleaned = self._clean(raw_words) or raw_words
        query = _build_query(cleaned)
        raw_text = compact(u for w in raw_words for u in _units(w))
        named = False
        for text in {raw_text, query.text}:
            exact = terms.by_text.get(text)
            if exact is not None:
                self._raise(scores, terms.postings[exact], EXACT)
                named = True
        self._score_spans(query, scores)
        if len(query.text) == 1 and is_syllable(query.text):
            self._score_fragment(query.text, scores, prefix_only=True)  # 밥 → 밥 배달, 집 → 집수리
        if _meaningful(query.text):
            self._score_fragment(query.text, scores)
            if not named:  # a typed name is no typo; edit similarity could only add near-misses
                for term, similarity in terms.similar(keystrokes(query.text), FUZZY_MIN):
                    self._raise(scores, terms.postings[term], similarity)
        if len(query.words) > 1 and not named:
            self._score_words(query, scores)

    def _score_spans(self, query: _Query, scores: dict[int, float]) -> None:
        """Terms found inside the query, scored by the weighted share of the query they explain."""
        terms = self._terms
        n = len(query.units)
        cover: dict[int, list[float]] = {}
        strength: dict[int, float] = {}  # the best term weight behind the cover (lower for fragments)

        def mark(program: int, weight: float, i: int, j: int, sure: float) -> None:
            row = cover.get(program)
            if row is None:
                row = cover[program] = [0.0] * n
            for k in range(i, j):
                if row[k] < weight:
                    row[k] = weight
            if strength.get(program, 0.0) < sure:
                strength[program] = sure

        for i in range(n):
            for j in range(i + 1, min(n, i + self._max_units) + 1):
                if i == 0 and j == n:
                    continue  # the whole query is scored as an exact match instead
                found = terms.by_text.get(query.span(i, j))
                if found is not None:
                    for program, weight in terms.postings[found]:
                        mark(program, weight, i, j, weight)
        # A term of several words whose words all occur in the query, in any order and with other
        # words between them (병원비 상한액 환급 has 병원비 … 환급; allowance for disability).
        at: dict[str, list[tuple[int, int]]] = {}
        for a, b in query.words:
            at.setdefault(query.span(a, b), []).append((a, b))
        for word in at:
            for needed, term in self._word_terms.get(word, ()):
                if all(w in at for w in needed):
                    for program, weight in terms.postings[term]:
                        for w in needed:
                            for a, b in at[w]:
                                mark(program, weight, a, b, weight)
        # A query word, or the longest start or end of one, that is part of a longer term (돌봄 in
        # 아이돌봄서비스, 안부 of 안부콜 in 안부전화) explains that part of the query a little.
        for i, j in self._word_pieces(query):
            piece = query.span(i, j)
            for term, _ in terms.containing(piece, not is_hangul(piece[0]), COMMON_FRAGMENT) or ():
                share = (j - i) / max(1, len(terms.text[term]))
                for program, weight in terms.postings[term]:
                    cover_weight = weight * FRAGMENT_COVER * (0.5 + 0.5 * min(1.0, share))
                    mark(program, cover_weight, i, j, weight * FRAGMENT_STRENGTH)
        total = query.total_letters
        for program, row in cover.items():
            explained = sum(w * letters for w, letters in zip(row, query.letters, strict=True)) / total
            score = (CONTAIN_BASE + CONTAIN_SPAN * explained) * strength[program]
            if scores.get(program, 0.0) < score:
                scores[program] = score

    def _word_pieces(self, query: _Query) -> list[tuple[int, int]]:
        blob, exact = self._terms.blob, self._terms.by_text
        pieces = []
        for a, b in query.words:
            word = query.span(a, b)
            if not _meaningful(word):
                continue
            if len(query.words) > 1:
                pieces.append((a, b))  # a one-word query is scored as a fragment as a whole
            if not is_hangul(word[0]) or b - a < 3 or word in exact or word in blob:
                continue
            for end in range(b - 1, a + 1, -1):
                if query.span(a, end) in blob:
                    pieces.append((a, end))
                    break
            for start in range(a + 1, b - 1):
                if query.span(start, b) in blob:
                    pieces.append((start, b))
                    break
        return pieces

    def _score_fragment(self, text: str, scores: dict[int, float], prefix_only: bool = False) -> None:
        """The whole query is part of a term: 기초 → 기초연금, 다함께 → 다함께돌봄센터."""
        terms = self._terms
        letters = len(keystrokes(text))
        word_start = prefix_only or not is_hangul(text[0])
        for term, at_start in terms.containing(text, word_start, COMMON_FRAGMENT) or ():
            if terms.letters[term] <= letters or (prefix_only and not at_start):
                continue
            share = letters / terms.letters[term]
            score = FRAGMENT_BASE + FRAGMENT_SPAN * share + (PREFIX_BONUS if at_start else 0.0)
            self._raise(scores, terms.postings[term], score)

    def _score_words(self, query: _Query, scores: dict[int, float]) -> None:
        """A mistyped word inside a longer query (우리 엄마 기초연굼) still finds its programme."""
        terms = self._terms
        total = query.total_letters
        candidates = []
        for a, b in query.words:
            word = query.span(a, b)
            # A word found as it is inside some term was matched exactly; only the others may be typos.
            if _meaningful(word) and word not in terms.blob:
                candidates.append((sum(query.letters[a:b]), word))
        for letters, word in heapq.nlargest(MAX_FUZZY_TOKENS, candidates):
            factor = TOKEN_FUZZY_BASE + (1 - TOKEN_FUZZY_BASE) * letters / total
            for term, similarity in terms.similar(keystrokes(word), FUZZY_MIN):
                self._raise(scores, terms.postings[term], similarity * factor)
