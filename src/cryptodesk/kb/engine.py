"""The in-memory search engine: BM25 over analyzed terms, cosine similarity over sentence
embeddings, and their fusion. It knows nothing about the database: ``search.py`` feeds it the
stored search documents, the benchmark feeds it files.

One ``LanguageIndex`` per help-center language; a query is analyzed with the same analyzer as
the documents (see ``text.py``), so Traditional and Simplified Chinese meet in one vocabulary.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from threadpoolctl import ThreadpoolController

from cryptodesk.kb.text import BIGRAM_PREFIX, HAN_RUN, analyze, embedding_text

Mode = Literal["lexical", "semantic", "hybrid"]
MODES: tuple[Mode, ...] = ("lexical", "semantic", "hybrid")
Encoder = Callable[[Sequence[str]], NDArray[np.float32]]

BM25_K1 = 1.2
BM25_B = 0.75
# Fields count as repeated text: a word in the title weighs three body words.
TITLE_WEIGHT = 3
SUMMARY_WEIGHT = 2
BIGRAM_WEIGHT = 0.5  # Han bigrams are a fallback for segmentation mismatches
TYPO_WEIGHT = 0.7  # a query word matched to a vocabulary word one edit away
TYPO_MIN_LENGTH = 5
# Below this cosine similarity a document without a lexical match is not a result at all.
MIN_SIMILARITY = 0.30
SEMANTIC_CANDIDATES = 50
RRF_K = 20
# Hybrid = weighted sum of the lexical score divided by the best lexical score and the cosine
# similarity (tuned on the labelled queries, see bench/kb_search_bench.py).
LEXICAL_SHARE = 0.3


@dataclass(frozen=True)
class Document:
    key: int
    lang: str
    terms: tuple[str, ...]
    embedding: NDArray[np.float32] | None
    public: bool = True


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    lexical: float  # BM25 score, 0 without a lexical match
    similarity: float  # cosine similarity of the embeddings


def document_terms(title: str, summary: str, tags: str, body: str) -> list[str]:
    """The terms of an article with its fields weighted by repetition."""
    return (
        analyze(title) * TITLE_WEIGHT
        + (analyze(summary) + analyze(tags.replace(",", " "))) * SUMMARY_WEIGHT
        + analyze(body)
    )


def document_embedding_text(title: str, summary: str, tags: str) -> str:
    return embedding_text(f"{title}. {summary} {tags}".strip())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class LanguageIndex:
    """The documents of one language: a documents x terms matrix of BM25 weights and a
    documents x dimensions matrix of unit-length embeddings."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.keys = np.array([d.key for d in documents], dtype=np.int64)
        self.public = np.array([d.public for d in documents], dtype=bool)
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[float] = []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for row, document in enumerate(documents):
            tally = Counter(document.terms)
            lengths[row] = sum(tally.values())
            for term, count in tally.items():
                col = self.vocabulary.setdefault(term, len(self.vocabulary))
                rows.append(row)
                cols.append(col)
                counts.append(count)
        tf = np.array(counts, dtype=np.float32)
        row_index = np.array(rows, dtype=np.int64)
        col_index = np.array(cols, dtype=np.int64)
        n_docs, n_terms = len(documents), len(self.vocabulary)
        df = np.bincount(col_index, minlength=n_terms).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        average = float(lengths.mean()) if n_docs else 1.0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(average, 1.0))
        weights = idf[col_index] * tf * (BM25_K1 + 1) / (tf + norm[row_index])
        self.weights = sparse.csc_matrix(
            (weights, (row_index, col_index)), shape=(n_docs, n_terms), dtype=np.float32
        )
        dims = next((d.embedding.shape[0] for d in documents if d.embedding is not None), 0)
        self.embeddings: NDArray[np.float32] | None = None
        if dims:
            matrix = np.zeros((n_docs, dims), dtype=np.float32)
            for row, document in enumerate(documents):
                if document.embedding is not None:
                    matrix[row] = document.embedding
            self.embeddings = matrix
        self._near: dict[str, list[str]] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def _near_words(self) -> dict[str, list[str]]:
        """Deletion variants -> vocabulary words, for matching words one edit apart."""
        if self._near is None:
            near: dict[str, list[str]] = {}
            for word in self.vocabulary:
                if len(word) >= TYPO_MIN_LENGTH - 1 and not word.startswith(BIGRAM_PREFIX):
                    if HAN_RUN.match(word):
                        continue
                    for variant in _deletions(word) | {word}:
                        near.setdefault(variant, []).append(word)
            self._near = near
        return self._near

    def corrections(self, term: str) -> list[str]:
        """Vocabulary words at edit distance 1 from ``term`` (insert, delete, substitute or
        swap two neighbours)."""
        near = self._near_words()
        found: set[str] = set(near.get(term, ()))
        for variant in _deletions(term):
            found.update(near.get(variant, ()))
            if variant in self.vocabulary:
                found.add(variant)
        return sorted(w for w in found if w != term and _one_edit(term, w))

    def lexical_scores(self, terms: Iterable[str]) -> NDArray[np.float32]:
        weights: dict[int, float] = {}
        for term, count in Counter(terms).items():
            weight = (BIGRAM_WEIGHT if term.startswith(BIGRAM_PREFIX) else 1.0) * (
                1 + math.log(count)
            )
            col = self.vocabulary.get(term)
            if col is not None:
                weights[col] = weights.get(col, 0.0) + weight
            elif len(term) >= TYPO_MIN_LENGTH and not HAN_RUN.match(term):
                for correction in self.corrections(term):
                    col = self.vocabulary[correction]
                    weights[col] = max(weights.get(col, 0.0), weight * TYPO_WEIGHT)
        if not weights:
            return np.zeros(len(self.keys), dtype=np.float32)
        cols = np.fromiter(weights.keys(), dtype=np.int64)
        factors = np.fromiter(weights.values(), dtype=np.float32)
        return np.asarray(self.weights[:, cols] @ factors, dtype=np.float32).ravel()

    def similarities(self, query_vector: NDArray[np.float32] | None) -> NDArray[np.float32]:
        if self.embeddings is None or query_vector is None:
            return np.zeros(len(self.keys), dtype=np.float32)
        # One BLAS thread: a matrix-vector product over 10,000 rows takes ~1.5 ms on one core
        # and three to four times longer when two threads compete with other requests.
        with _threadpools().limit(limits=1, user_api="blas"):
            return self.embeddings @ query_vector


@cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _top(scores: NDArray[np.float32], mask: NDArray[np.bool_], count: int) -> NDArray[np.int64]:
    """Row numbers of the ``count`` best positive scores among ``mask``, best first."""
    candidates = np.flatnonzero(mask & (scores > 0))
    if len(candidates) > count:
        part = np.argpartition(-scores[candidates], count - 1)[:count]
        candidates = candidates[part]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


@dataclass
class SearchIndex:
    """All languages' indexes plus the encoder used for queries."""

    languages: dict[str, LanguageIndex] = field(default_factory=dict)
    encoder: Encoder | None = None
    fusion: Literal["weighted", "rrf"] = "weighted"

    @classmethod
    def build(cls, documents: Iterable[Document], encoder: Encoder | None) -> SearchIndex:
        grouped: dict[str, list[Document]] = {}
        for document in documents:
            grouped.setdefault(document.lang, []).append(document)
        return cls({lang: LanguageIndex(docs) for lang, docs in grouped.items()}, encoder)

    def __len__(self) -> int:
        return sum(len(index) for index in self.languages.values())

    def embed_query(self, query: str) -> NDArray[np.float32] | None:
        if self.encoder is None:
            return None
        return np.asarray(self.encoder([embedding_text(query)])[0], dtype=np.float32)

    def search(
        self,
        query: str,
        lang: str,
        *,
        limit: int = 10,
        mode: Mode = "hybrid",
        include_internal: bool = False,
        query_vector: NDArray[np.float32] | None = None,
    ) -> list[Hit]:
        index = self.languages.get(lang)
        if index is None or not len(index) or limit <= 0:
            return []
        mask = np.ones(len(index), dtype=bool) if include_internal else index.public
        lexical = np.zeros(len(index), dtype=np.float32)
        similarity = np.zeros(len(index), dtype=np.float32)
        if mode != "semantic":
            lexical = index.lexical_scores(analyze(query))
        if mode != "lexical":
            vector = query_vector if query_vector is not None else self.embed_query(query)
            similarity = index.similarities(vector)
        if mode == "lexical":
            rows = _top(lexical, mask, limit)
            scores = lexical[rows]
        elif mode == "semantic":
            rows = _top(np.where(similarity >= MIN_SIMILARITY, similarity, 0), mask, limit)
            scores = similarity[rows]
        else:
            rows, scores = self._fuse(lexical, similarity, mask, limit)
        return [
            Hit(int(index.keys[r]), float(s), float(lexical[r]), float(similarity[r]))
            for r, s in zip(rows, scores, strict=True)
        ]

    def _fuse(
        self,
        lexical: NDArray[np.float32],
        similarity: NDArray[np.float32],
        mask: NDArray[np.bool_],
        limit: int,
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        eligible = mask & ((lexical > 0) | (similarity >= MIN_SIMILARITY))
        if self.fusion == "rrf":
            fused = np.zeros(len(lexical), dtype=np.float32)
            pool = max(limit, SEMANTIC_CANDIDATES)
            for scores in (lexical, similarity):
                ranked = _top(scores, eligible, pool)
                fused[ranked] += 1.0 / (RRF_K + np.arange(1, len(ranked) + 1, dtype=np.float32))
        else:
            best = float(lexical[eligible].max()) if eligible.any() else 0.0
            lexical_part = lexical / best if best > 0 else lexical
            fused = LEXICAL_SHARE * lexical_part + (1 - LEXICAL_SHARE) * np.clip(similarity, 0, 1)
            fused = fused.astype(np.float32)
        rows = _top(np.where(eligible, fused, 0), eligible, limit)
        return rows, fused[rows]
