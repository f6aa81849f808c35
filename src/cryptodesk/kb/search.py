"""Help-center search over the stored search documents.

Each process keeps an in-memory ``SearchIndex`` built from ``SearchDocument`` rows and rebuilds
it when ``IndexState.version`` changes; the version is read at most once per
``CRYPTODESK_KB_INDEX_CHECK_SECONDS`` (1 s by default), so a query normally costs no database
read besides its analytics row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.urls import reverse
from numpy.typing import NDArray

from cryptodesk.kb.actions import do_log_search
from cryptodesk.kb.engine import TYPO_MIN_LENGTH, Document, Mode, SearchIndex
from cryptodesk.kb.models import IndexState, SearchDocument
from cryptodesk.kb.text import (
    LANGUAGE_LABELS,
    QueryTerms,
    analyze,
    detect_language,
    snippet,
    without_control_characters,
)

ENCODER_NAME = "use-multilingual-v3"
MAX_QUERY_CHARS = 300
MAX_LIMIT = 50


def encode_texts(texts: Sequence[str]) -> NDArray[np.float32]:
    from cryptodesk.nlu.intents import sentence_encoder

    return sentence_encoder(ENCODER_NAME).encode(list(texts), threads=1)


@dataclass(frozen=True)
class StoredDoc:
    lang: str
    slug: str
    title: str
    text: str
    public: bool


@dataclass(frozen=True)
class Result:
    id: int
    title: str
    url: str
    snippet: str
    score: float
    lang: str
    slug: str
    public: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "score": self.score,
            "lang": self.lang,
        }


@dataclass(frozen=True)
class SearchResponse:
    query: str
    lang: str
    results: list[Result]
    query_id: int | None


class _IndexCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: int | None = None
        self.checked_at = 0.0
        self.index = SearchIndex()
        self.docs: dict[int, StoredDoc] = {}

    def current(self) -> tuple[SearchIndex, dict[int, StoredDoc]]:
        interval = float(getattr(settings, "CRYPTODESK_KB_INDEX_CHECK_SECONDS", 1.0))
        now = time.monotonic()
        if self.version is not None and now - self.checked_at < interval:
            return self.index, self.docs
        with self.lock:
            version = IndexState.objects.filter(pk=1).values_list("version", flat=True).first()
            version = version or 0
            if version != self.version:
                self.index, self.docs = _load_index()
                self.version = version
            self.checked_at = now
        return self.index, self.docs

    def reset(self) -> None:
        with self.lock:
            self.version = None


_cache = _IndexCache()


def reset_index_cache() -> None:
    """Forget this process's index; the next search loads it again."""
    _cache.reset()


def _load_index() -> tuple[SearchIndex, dict[int, StoredDoc]]:
    documents: list[Document] = []
    docs: dict[int, StoredDoc] = {}
    rows = SearchDocument.objects.values_list(
        "translation_id", "lang", "article_slug", "title", "text", "public", "terms", "embedding"
    ).iterator(chunk_size=2000)
    for key, lang, slug, title, text, public, terms, embedding in rows:
        vector = np.frombuffer(bytes(embedding), dtype=np.float32) if embedding else None
        documents.append(Document(key, lang, tuple(terms.split()), vector, public))
        docs[key] = StoredDoc(lang, slug, title, text, public)
    return SearchIndex.build(documents, encode_texts), docs


def current_index() -> tuple[SearchIndex, dict[int, StoredDoc]]:
    return _cache.current()


def _corrections(index: SearchIndex, query: str, lang: str) -> list[str]:
    """The vocabulary words a misspelt query word was matched to, to highlight them too."""
    language = index.languages.get(lang)
    if language is None:
        return []
    found: list[str] = []
    for term in analyze(query, bigrams=False):
        if term not in language.vocabulary and len(term) >= TYPO_MIN_LENGTH and term.isascii():
            found.extend(language.corrections(term))
    return found


def article_url(doc: StoredDoc) -> str:
    if doc.public:
        return reverse("help:article", kwargs={"lang": doc.lang, "slug": doc.slug})
    return reverse("kb:article", kwargs={"slug": doc.slug}) + f"?lang={doc.lang}"


def search_articles(
    query: str,
    lang: str | None = None,
    *,
    limit: int = 10,
    include_internal: bool = False,
    source: str = "help",
    log: bool = True,
    mode: Mode = "hybrid",
) -> SearchResponse:
    """Search the published articles of one language (detected from the query when not
    given). Public callers never see internal articles; drafts are never indexed."""
    query = " ".join(without_control_characters(query or "").split())[:MAX_QUERY_CHARS]
    lang = lang or detect_language(query)
    limit = max(1, min(limit, MAX_LIMIT))
    if not query:
        return SearchResponse(query, lang, [], None)
    index, docs = current_index()
    hits = index.search(query, lang, limit=limit, mode=mode, include_internal=include_internal)
    terms = QueryTerms.of(query, _corrections(index, query, lang))
    results = []
    for hit in hits:
        doc = docs[hit.key]
        results.append(
            Result(
                id=hit.key,
                title=doc.title,
                url=article_url(doc),
                snippet=snippet(doc.text, terms),
                score=round(hit.score, 6),
                lang=LANGUAGE_LABELS[doc.lang],
                slug=doc.slug,
                public=doc.public,
            )
        )
    query_id = None
    if log:
        top = hits[0] if hits else None
        logged = do_log_search(
            query,
            lang,
            source,
            results=len(hits),
            top_score=top.score if top else None,
            top_lexical=max((h.lexical for h in hits), default=0.0),
            top_similarity=max((h.similarity for h in hits), default=0.0),
        )
        query_id = logged.pk
    return SearchResponse(query, lang, results, query_id)


def related_articles(translation_id: int, limit: int = 5) -> list[Result]:
    """Public articles of the same language whose embeddings are closest to this one."""
    index, docs = current_index()
    doc = docs.get(translation_id)
    if doc is None:
        return []
    language = index.languages.get(doc.lang)
    if language is None or language.embeddings is None:
        return []
    rows = np.flatnonzero(language.keys == translation_id)
    if not len(rows):
        return []
    scores = language.embeddings @ language.embeddings[rows[0]]
    scores[rows[0]] = -1.0
    scores[~language.public] = -1.0
    order = np.argsort(-scores)[:limit]
    related = []
    for row in order:
        if scores[row] <= 0:
            break
        other = docs[int(language.keys[row])]
        related.append(
            Result(
                int(language.keys[row]),
                other.title,
                article_url(other),
                "",
                float(scores[row]),
                LANGUAGE_LABELS[other.lang],
                other.slug,
                other.public,
            )
        )
    return related
