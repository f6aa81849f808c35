"""Text handling for the help center: languages, script conversion, the analyzer that turns
text into search terms, Markdown rendering and highlighted snippets.

The analyzer is shared by indexing and querying, so a term means the same on both sides:
- everything is NFKC-normalised and lower-cased, and Traditional Chinese becomes Simplified
  with Taiwan phrases mapped to mainland ones (OpenCC ``tw2sp``: 網路 -> 网络, 帳號 -> 账号), so
  either script and either region's wording finds the other;
- runs of Han characters are segmented with jieba (search mode, which also yields the shorter
  words inside long ones) and, as a fallback for words jieba splits differently, add their
  character bigrams as terms of their own (prefixed ``~``);
- Latin words are stemmed with the Snowball English stemmer; stop words are dropped.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import markdown  # type: ignore[import-untyped]
import nh3
from django.utils.translation import get_language

from cryptodesk.nlu.language import support_language

LANGUAGES = ("en", "zh-hans", "zh-hant")
LANGUAGE_LABELS = {"en": "en", "zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
LANGUAGE_NAMES = {"en": "English", "zh-hans": "简体中文", "zh-hant": "繁體中文"}
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
TOKEN = re.compile(f"[{HAN}]+|[a-z0-9]+(?:['’][a-z]+)?")
LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")
BIGRAM_PREFIX = "~"

ENGLISH_STOP_WORDS = frozenset(
    """a about an and are as at be been but by can could did do does doing for from had has
    have how i if in into is it its me my of on or our please should so that the their them
    then there these they this to was we were what when where which who why will with would
    you your yours i'm i've it's can't don't didn't isn't""".split()
)
CHINESE_STOP_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 我 我的 你 你们 您 是 在 和 与 及 也 都 就 还 又 "
    "请 请问 一下 这 那 个 着 过 嘛 哦 哈".split()
)

logger = logging.getLogger(__name__)
_jieba_lock = threading.Lock()


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(text: str) -> str:
    """Text from a URL or a form without NUL and the other C0 controls (PostgreSQL refuses NUL
    in text columns and none of them means anything in a query, a comment or an article)."""
    return CONTROL_CHARACTERS.sub(" ", text)


def normalise_language(value: str | None) -> str | None:
    """``en``, ``zh-Hans``, ``zh_hant``, ``zh-TW``... (any case) -> ``en`` / ``zh-hans`` /
    ``zh-hant``; None when empty; ValueError when unknown."""
    if value is None or not value.strip():
        return None
    code = support_language(value)
    if code is None:
        raise ValueError(f"unknown language {value!r}: use en, zh-Hans or zh-Hant")
    return code


def ui_language() -> str:
    """The help-center language of the active UI language (English when it is none of them)."""
    language = (get_language() or "en").lower()
    return language if language in LANGUAGES else "en"


@cache
def _converter(config: str) -> object:
    import opencc

    return opencc.OpenCC(config)


def convert_script(text: str, config: str) -> str:
    """OpenCC conversion: ``s2t`` (Simplified -> Traditional), ``t2s`` and the others."""
    if not text:
        return text
    return str(_converter(config).convert(text))  # type: ignore[attr-defined]


def to_simplified(text: str) -> str:
    return convert_script(text, "tw2sp") if HAN_RUN.search(text) else text


def detect_language(text: str) -> str:
    """The help-center language a query is written in: Han characters mean Chinese
    (Traditional when converting to Simplified changes it), anything else English."""
    if not HAN_RUN.search(text):
        return "en"
    return "zh-hant" if to_simplified(text) != text else "zh-hans"


@cache
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba


@lru_cache(maxsize=50_000)
def _segment(run: str) -> tuple[str, ...]:
    return tuple(_jieba().lcut_for_search(run))  # type: ignore[attr-defined]


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return str(_stemmer().stemWord(word))  # type: ignore[attr-defined]


def normalise(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


def analyze(text: str, *, bigrams: bool = True) -> list[str]:
    """The search terms of ``text`` in order (repeated terms repeat)."""
    terms: list[str] = []
    for match in TOKEN.finditer(normalise(text)):
        token = match.group()
        if HAN_RUN.fullmatch(token):
            terms.extend(w for w in _segment(token) if w.strip() and w not in CHINESE_STOP_WORDS)
            if bigrams and len(token) > 2:
                terms.extend(BIGRAM_PREFIX + token[i : i + 2] for i in range(len(token) - 1))
        elif token not in ENGLISH_STOP_WORDS:
            terms.append(stem(token))
    return terms


def embedding_text(text: str) -> str:
    """What the sentence encoder sees: Simplified script, so both scripts embed alike."""
    return to_simplified(unicodedata.normalize("NFKC", text))


# Markdown -------------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "h2": {"id"},
    "h3": {"id"},
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(body: str) -> str:
    """Markdown to HTML that is safe to show: rendered, then sanitised with nh3 (no scripts,
    no event handlers, no foreign URL schemes; links get rel=noopener)."""
    raw = markdown.markdown(
        body, extensions=["tables", "fenced_code", "sane_lists", "toc"], output_format="html"
    )
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_text(body: str) -> str:
    """The readable text of a Markdown body, one block per line (for search and snippets)."""
    rendered = markdown.markdown(body, extensions=["tables", "fenced_code", "sane_lists"])
    rendered = re.sub(r"</(p|h\d|li|tr|pre|blockquote|dd|dt)>", "\n", rendered)
    rendered = re.sub(r"</t[dh]>", " ", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def summarise(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Snippets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryTerms:
    """What to highlight: stems of the query's Latin words and its Chinese words."""

    stems: frozenset[str]
    han: tuple[str, ...]  # Simplified, longest first
    # Cheap substring tests that every matching word passes (a stem's first letters).
    prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, query: str, extra_stems: Iterable[str] = ()) -> QueryTerms:
        terms = [t for t in analyze(query, bigrams=False) if t]
        stems = frozenset(t for t in terms if not HAN_RUN.fullmatch(t)) | frozenset(extra_stems)
        han = {t for t in terms if HAN_RUN.fullmatch(t)}
        # Chinese words jieba did not find in a sentence still match as two-character pieces.
        for word in list(han):
            if len(word) > 2:
                han.update(word[i : i + 2] for i in range(len(word) - 1))
        if any(len(word) > 1 for word in han):  # single characters mark too much noise
            han = {word for word in han if len(word) > 1}
        ordered = tuple(sorted(han, key=len, reverse=True))
        return cls(stems, ordered, tuple({stem[:4] for stem in stems}))

    def spans(self, sentence: str, folded: str | None) -> list[tuple[int, int]]:
        """Where the query's terms are in ``sentence``; ``folded`` is the sentence lower-cased
        and in Simplified script when that kept every position, else None."""
        spans: list[tuple[int, int]] = []
        lowered = folded if folded is not None else sentence.lower()
        if self.stems and any(prefix in lowered for prefix in self.prefixes):
            for match in LATIN_WORD.finditer(sentence):
                if stem(match.group().lower()) in self.stems:
                    spans.append(match.span())
        if self.han and folded is not None:
            for word in self.han:
                start = folded.find(word)
                while start >= 0:
                    spans.append((start, start + len(word)))
                    start = folded.find(word, start + len(word))
        return _merge(spans) if len(spans) > 1 else spans


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


@lru_cache(maxsize=8192)
def _snippet_sentences(text: str) -> tuple[tuple[str, str | None], ...]:
    """The sentences of a document with their folded forms, computed once per text."""
    split = []
    for sentence in sentences(text)[:200]:
        folded = to_simplified(sentence.lower()) if HAN_RUN.search(sentence) else sentence.lower()
        split.append((sentence, folded if len(folded) == len(sentence) else None))
    return tuple(split)


def snippet(text: str, terms: QueryTerms, limit: int = 200) -> str:
    """The sentence of ``text`` with the most query terms, HTML-escaped, the terms in
    ``<mark>``; the first sentence when none matches."""
    best, best_spans, best_score = "", [], 0.0
    for sentence, folded in _snippet_sentences(text):
        spans = terms.spans(sentence, folded)
        if not spans:
            continue
        score = sum(end - start for start, end in spans) + 3 * len(spans)
        if score > best_score:
            best, best_spans, best_score = sentence, spans, score
    if not best:
        return html.escape(summarise(text, limit))
    if len(best) > limit:  # keep a window around the first highlight
        first = best_spans[0][0]
        start = max(0, min(first - limit // 3, len(best) - limit))
        best_spans = [
            (s - start, e - start) for s, e in best_spans if start <= s and e <= start + limit
        ]
        prefix, suffix = ("…" if start else ""), ("…" if start + limit < len(best) else "")
        best = best[start : start + limit]
    else:
        prefix = suffix = ""
    parts, position = [], 0
    for start, end in best_spans:
        parts.append(html.escape(best[position:start]))
        parts.append(f"<mark>{html.escape(best[start:end])}</mark>")
        position = end
    parts.append(html.escape(best[position:]))
    return prefix + "".join(parts) + suffix
