"""Help-center search benchmark: quality and latency of lexical, semantic and hybrid ranking.

Scenarios:

- ``demo``: the demo help center (src/cryptodesk/kb/content; zh-Hant converted with OpenCC
  where no human translation exists, exactly as the importer does) against our labelled
  customer queries (bench/kb_queries/*.csv: ``query,lang,expected_slug``). Prints recall@1,
  recall@5 and MRR (over the top 10) per mode and language, and p50/p95 latency of a hybrid
  search with snippets.
- ``synthetic``: the same queries with 10,000 generated articles per language added to the
  index (titles of three random tags, bodies of random sentences of the demo articles, so they
  compete for the same words): latency p50/p95 and the quality that is left.
- ``atec``: paraphrase matching on the Chinese financial customer-service question pairs of
  ATEC 2018 (read where they are, ../shared/datasets/atec_ant_financial, never copied): every
  second question of the test split is a document; each first question of a matching pair
  (label 1) must retrieve its partner. Also the ROC AUC of each mode's pair score over all
  test pairs.

The engine is the product's (``cryptodesk.kb.engine``) with the product's analyzer and the
packaged sentence encoder; only the database layer is left out, which search does not touch per
query. Run: ``.venv/bin/python bench/kb_search_bench.py [--only demo synthetic atec]
[--synthetic 10000] [--sweep]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cryptodesk.kb import engine  # noqa: E402
from cryptodesk.kb.engine import (  # noqa: E402
    MODES,
    Document,
    SearchIndex,
    document_embedding_text,
    document_terms,
)
from cryptodesk.kb.markdown_files import find_article_files, read_article_file  # noqa: E402
from cryptodesk.kb.text import (  # noqa: E402
    QueryTerms,
    analyze,
    convert_script,
    embedding_text,
    plain_text,
    sentences,
    snippet,
)
from cryptodesk.nlu.intents import sentence_encoder  # noqa: E402

CONTENT = ROOT / "src" / "cryptodesk" / "kb" / "content"
QUERIES = ROOT / "bench" / "kb_queries"
ATEC = ROOT.parent / "shared" / "datasets" / "atec_ant_financial"
LANGS = ("en", "zh-hans", "zh-hant")
LANG_CODES = {"en": "en", "zh-hans": "zh-hans", "zh-hant": "zh-hant"}
TOP = 10
console = Console()


def encode(texts: Sequence[str]) -> NDArray[np.float32]:
    encoder = sentence_encoder()
    out = [encoder.encode(list(texts[i : i + 256]), threads=1) for i in range(0, len(texts), 256)]
    return np.vstack(out) if out else np.zeros((0, 512), dtype=np.float32)


@dataclass(frozen=True)
class Article:
    slug: str
    lang: str
    title: str
    summary: str
    tags: str
    text: str
    public: bool


def demo_articles() -> list[Article]:
    """The help center as the importer builds it: human files, plus OpenCC zh-Hant (s2tw)
    for every zh-Hans article without a human zh-Hant."""
    files = [read_article_file(path) for path in find_article_files(CONTENT)]
    by_key = {(f.group_slug, f.lang): f for f in files}
    internal = {f.group_slug for f in files if f.lang == "en" and f.internal}
    articles = [
        Article(
            f.group_slug, f.lang, f.title, f.summary, f.tags, plain_text(f.body),
            f.group_slug not in internal,
        )
        for f in files
    ]  # fmt: skip
    for (slug, lang), f in by_key.items():
        if lang == "zh-hans" and (slug, "zh-hant") not in by_key:
            title, summary, tags, body = (
                convert_script(x, "s2tw") for x in (f.title, f.summary, f.tags, plain_text(f.body))
            )
            articles.append(
                Article(slug, "zh-hant", title, summary, tags, body, slug not in internal)
            )
    return articles


def documents(articles: Sequence[Article], first_key: int = 0) -> list[Document]:
    vectors = encode([document_embedding_text(a.title, a.summary, a.tags) for a in articles])
    return [
        Document(
            first_key + i, a.lang, tuple(document_terms(a.title, a.summary, a.tags, a.text)),
            vectors[i], a.public,
        )
        for i, a in enumerate(articles)
    ]  # fmt: skip


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    expected: str


def labelled_queries() -> list[Query]:
    queries = []
    for path in sorted(QUERIES.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                lang = row["lang"].strip().lower()
                if row["query"].strip() and lang in LANGS:
                    queries.append(Query(row["query"].strip(), lang, row["expected_slug"].strip()))
    return queries


@dataclass
class Quality:
    count: int = 0
    at1: int = 0
    at5: int = 0
    rr: float = 0.0

    def add(self, rank: int | None) -> None:
        self.count += 1
        if rank is not None:
            self.at1 += rank == 1
            self.at5 += rank <= 5
            self.rr += 1.0 / rank

    def row(self) -> list[str]:
        n = max(self.count, 1)
        return [f"{self.at1 / n:.3f}", f"{self.at5 / n:.3f}", f"{self.rr / n:.3f}", str(self.count)]


def evaluate(
    index: SearchIndex,
    slugs: dict[int, str],
    queries: Sequence[Query],
    vectors: NDArray[np.float32],
) -> dict[tuple[str, str], Quality]:
    results: dict[tuple[str, str], Quality] = {}
    for mode in MODES:
        for query, vector in zip(queries, vectors, strict=True):
            hits = index.search(query.text, query.lang, limit=TOP, mode=mode, query_vector=vector)
            ranked = [slugs[h.key] for h in hits]
            rank = ranked.index(query.expected) + 1 if query.expected in ranked else None
            for key in ((mode, query.lang), (mode, "all")):
                results.setdefault(key, Quality()).add(rank)
    return results


def quality_table(title: str, results: dict[tuple[str, str], Quality]) -> None:
    table = Table(title=title)
    for column in ("mode", "language", "recall@1", "recall@5", "MRR", "queries"):
        table.add_column(column, justify="right" if column not in ("mode", "language") else "left")
    for mode in MODES:
        for lang in (*LANGS, "all"):
            if (mode, lang) in results:
                table.add_row(mode, lang, *results[(mode, lang)].row())
    console.print(table)


def latency(
    index: SearchIndex, texts: dict[int, str], queries: Sequence[Query]
) -> tuple[float, float]:
    """Milliseconds of one hybrid search as the product runs it: embed the query, rank,
    and build the highlighted snippets of the top 10."""
    timings = []
    for _ in range(2):
        for query in queries:
            start = time.perf_counter()
            hits = index.search(query.text, query.lang, limit=TOP)
            terms = QueryTerms.of(query.text)
            for hit in hits:
                snippet(texts[hit.key], terms)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def build(articles: Sequence[Article]) -> tuple[SearchIndex, dict[int, str], dict[int, str]]:
    docs = documents(articles)
    index = SearchIndex.build(docs, encode)
    return (
        index,
        {d.key: a.slug for d, a in zip(docs, articles, strict=True)},
        {d.key: a.text for d, a in zip(docs, articles, strict=True)},
    )


def run_demo(sweep: bool) -> None:
    started = time.perf_counter()
    articles = demo_articles()
    index, slugs, texts = build(articles)
    queries = labelled_queries()
    vectors = encode([embedding_text(q.text) for q in queries])
    known = set(slugs.values())
    unknown = sorted({q.expected for q in queries} - known)
    if unknown:
        console.print(f"[yellow]queries expect missing articles: {', '.join(unknown)}")
    console.print(
        f"demo: {len(articles)} documents ({sum(a.public for a in articles)} public), "
        f"{len(queries)} queries, built in {time.perf_counter() - started:.1f} s"
    )
    quality_table("Demo help center", evaluate(index, slugs, queries, vectors))
    if sweep:
        sweep_fusion(index, slugs, queries, vectors)
    p50, p95 = latency(index, texts, queries)
    console.print(f"demo latency (hybrid + snippets): p50 {p50:.2f} ms, p95 {p95:.2f} ms")


def sweep_fusion(
    index: SearchIndex,
    slugs: dict[int, str],
    queries: Sequence[Query],
    vectors: NDArray[np.float32],
) -> None:
    table = Table(title="Hybrid fusion sweep (all languages)")
    for column in ("fusion", "recall@1", "recall@5", "MRR"):
        table.add_column(column)
    original = (engine.LEXICAL_SHARE, index.fusion)
    settings: list[tuple[str, float]] = [("weighted", s / 10) for s in range(1, 10)]
    settings.append(("rrf", 0.0))
    for fusion, share in settings:
        engine.LEXICAL_SHARE = share
        index.fusion = "rrf" if fusion == "rrf" else "weighted"
        quality = Quality()
        for query, vector in zip(queries, vectors, strict=True):
            hits = index.search(query.text, query.lang, limit=TOP, query_vector=vector)
            ranked = [slugs[h.key] for h in hits]
            quality.add(ranked.index(query.expected) + 1 if query.expected in ranked else None)
        label = f"rrf k={engine.RRF_K}" if fusion == "rrf" else f"weighted lexical={share:.1f}"
        table.add_row(label, *quality.row()[:3])
    engine.LEXICAL_SHARE, index.fusion = original
    console.print(table)


def synthetic_articles(base: Sequence[Article], count: int, seed: int = 0) -> list[Article]:
    """``count`` generated articles per language: three random tags of the demo content as the
    title, 8-20 random sentences of its articles as the body."""
    rng = random.Random(seed)
    generated = []
    for lang in LANGS:
        pool = [s for a in base if a.lang == lang for s in sentences(a.text) if len(s) > 8]
        words = [w.strip() for a in base if a.lang == lang for w in a.tags.split(",") if w.strip()]
        for n in range(count):
            title = f"{' / '.join(rng.sample(words, k=3))} ({n})"
            body = " ".join(rng.choices(pool, k=rng.randint(8, 20)))
            tags = ", ".join(rng.sample(words, k=min(4, len(words))))
            generated.append(Article(f"generated-{lang}-{n}", lang, title, "", tags, body, True))
    return generated


def run_synthetic(count: int) -> None:
    started = time.perf_counter()
    base = demo_articles()
    articles = base + synthetic_articles(base, count)
    index, slugs, texts = build(articles)
    console.print(
        f"synthetic: {len(articles)} documents ({count} generated per language), "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    queries = labelled_queries()
    vectors = encode([embedding_text(q.text) for q in queries])
    quality_table(
        f"Demo queries with {count:,} generated articles per language",
        evaluate(index, slugs, queries, vectors),
    )
    p50, p95 = latency(index, texts, queries)
    console.print(
        f"latency over {count:,} + demo articles per language (hybrid + snippets): "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"
    )


def auc(scores: NDArray[np.float64], labels: NDArray[np.int64]) -> float:
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    # average ranks of ties
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def run_atec() -> None:
    path = ATEC / "test.csv"
    if not path.exists():
        console.print(f"[yellow]ATEC data not found at {path}; skipped")
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(r["sentence1"], r["sentence2"], int(r["label"])) for r in csv.DictReader(handle)]
    corpus = sorted({s2 for _s1, s2, _label in rows})
    key_of = {text: i for i, text in enumerate(corpus)}
    corpus_vectors = encode([embedding_text(t) for t in corpus])
    docs = [
        Document(i, "zh-hans", tuple(analyze(t)), corpus_vectors[i]) for i, t in enumerate(corpus)
    ]
    index = SearchIndex.build(docs, encode)
    positives = [(s1, s2) for s1, s2, label in rows if label == 1]
    query_vectors = encode([embedding_text(s1) for s1, _s2 in positives])
    table = Table(
        title=f"ATEC test: {len(positives)} paraphrase queries over {len(corpus)} questions"
    )
    for column in ("mode", "recall@1", "recall@5", "MRR", "pair AUC"):
        table.add_column(column)
    first_vectors = encode([embedding_text(s1) for s1, _s2, _l in rows])
    second_vectors = corpus_vectors[[key_of[s2] for _s1, s2, _l in rows]]
    cosine = np.sum(first_vectors * second_vectors, axis=1).astype(np.float64)
    overlap = np.array([_dice(analyze(s1), analyze(s2)) for s1, s2, _l in rows])
    labels = np.array([label for _s1, _s2, label in rows])
    pair_scores = {
        "lexical": overlap,
        "semantic": cosine,
        "hybrid": engine.LEXICAL_SHARE * overlap + (1 - engine.LEXICAL_SHARE) * cosine,
    }
    for mode in MODES:
        quality = Quality()
        for (s1, s2), vector in zip(positives, query_vectors, strict=True):
            hits = index.search(s1, "zh-hans", limit=TOP, mode=mode, query_vector=vector)
            keys = [h.key for h in hits]
            target = key_of[s2]
            quality.add(keys.index(target) + 1 if target in keys else None)
        table.add_row(mode, *quality.row()[:3], f"{auc(pair_scores[mode], labels):.3f}")
    console.print(table)


def _dice(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=["demo", "synthetic", "atec"])
    parser.add_argument("--synthetic", type=int, default=10_000, help="articles per language")
    parser.add_argument("--sweep", action="store_true", help="compare fusion settings")
    args = parser.parse_args()
    sentence_encoder()
    if "demo" in args.only:
        run_demo(args.sweep)
    if "atec" in args.only:
        run_atec()
    if "synthetic" in args.only:
        run_synthetic(args.synthetic)


if __name__ == "__main__":
    main()
