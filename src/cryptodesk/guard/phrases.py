"""Find BIP39 recovery phrases in free text.

A phrase is a run of words of one official list, joined by separators a customer may use
(spaces, commas, newlines, 、，。, numbering such as ``1.``, ``(2)`` or ``#3``). Inside every run
of at least 12 such words, each window of a valid length (12, 15, 18, 21, 24) is checked against
the BIP39 checksum. A run with a valid window is redacted whole, but for the common words of
the sentence around it (:func:`_core`): a phrase with one mistyped word can still contain a
checksum-valid window, and its other words must not stay behind. Eight or more list words
without a valid window are a suspected phrase (the customer mistyped or pasted part of it)
where ordinary writing cannot produce such runs; see :func:`_may_be_suspected`.

Chinese lists are single characters, and ordinary Chinese text is written almost entirely with
them. Characters separated by spaces or numbering are treated like words above; characters
written together only count as a phrase when the checksum holds *and* they do not read as
Chinese words (:mod:`cryptodesk.guard.chinese_text`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final, NamedTuple

from cryptodesk.guard.chinese_text import (
    ScoreBound,
    reads_as_chinese_text,
)
from cryptodesk.guard.wordlists import (
    BITS_PER_WORD,
    CHINESE,
    ENGLISH,
    PHRASE_LENGTHS,
    SIMPLIFIED_CHINESE,
    Wordlist,
    checksum_matches,
    wordlist,
    wordlists,
)
from cryptodesk.tickets.pipeline import Finding

RECOVERY_PHRASE: Final = "recovery phrase"
SUSPECTED_PHRASE: Final = "suspected recovery phrase"

MIN_SUSPECTED_WORDS: Final = 8
_MIN_WORDS: Final = min(MIN_SUSPECTED_WORDS, *PHRASE_LENGTHS)
_MAX_GAP: Final = 40

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A word of an alphabetic list (Latin, Cyrillic, kana, hangul); Han characters are handled apart.
_WORD_RE: Final = re.compile(rf"[^\W\d_{_HAN}]+")
# What may stand between two words of a phrase. "!" and "?" end sentences, never phrase words.
_SEPARATORS: Final = r"\s,;:.、，。；：．|/\\·•*\"'`“”‘’()\[\]{}（）【】「」<>#=+~_\-–—…"
# Inside a Chinese stretch written without spaces, prose punctuation ends a candidate phrase.
_PROSE_PUNCTUATION: Final = frozenset("，。、；：,;:")
_NUMBER: Final = r"\d{1,2}(?!\d)"
_GAP_RE: Final = re.compile(rf"(?:[{_SEPARATORS}]|{_NUMBER})*")
_DIGITS_RE: Final = re.compile(r"\d+")
_LIGHT_GAP: Final = rf"(?:[\s|/\\·•*\"'`“”‘’()\[\]（）【】#_\-–—.．]|{_NUMBER}){{0,{_MAX_GAP}}}"
_ANY_GAP: Final = rf"(?:[{_SEPARATORS}]|{_NUMBER}){{1,{_MAX_GAP}}}"

# Common English words that are also list words, and the words that name a phrase. Prose leans
# on them; a random phrase draws them about 3 % of the time.
_ENGLISH_GLUE: Final = frozenset(
    """about again all also always any because before can come could give have into just know
    like make more much must need never now once one only other over own please same say since
    soon still such sure that then there they this until very want way what when where will you
    okay hello thank sorry today tomorrow already help check wait few first two year day time
    good private key seed phrase word""".split()
)
_MAX_GLUE_SHARE: Final = 0.25


class _Token(NamedTuple):
    start: int
    end: int
    word: str
    mask: int


@functools.cache
def _word_lexicon() -> dict[str, int]:
    """Spelling -> bit mask of the alphabetic lists that contain it."""
    lexicon: dict[str, int] = {}
    for item in wordlists():
        if item.language not in CHINESE:
            for spelling in item.index:
                lexicon[spelling] = lexicon.get(spelling, 0) | item.bit
    return lexicon


@functools.cache
def _han_lexicon() -> dict[str, int]:
    lexicon: dict[str, int] = {}
    for language in CHINESE:
        item = wordlist(language)
        for character in item.words:
            lexicon[character] = lexicon.get(character, 0) | item.bit
    return lexicon


@functools.cache
def _han_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """12+ list characters written together (or in groups); 8+ of them set apart."""
    han = "[" + "".join(sorted(_han_lexicon())) + "]"
    together = re.compile(rf"{han}(?:{_LIGHT_GAP}{han}){{{min(PHRASE_LENGTHS) - 1},}}")
    separated = re.compile(rf"{han}(?:{_ANY_GAP}{han}){{{MIN_SUSPECTED_WORDS - 1},}}")
    return together, separated


def _is_separator(gap: str) -> bool:
    return len(gap) <= _MAX_GAP and _is_short_separator(gap)


@functools.lru_cache(maxsize=4096)
def _is_short_separator(gap: str) -> bool:
    # The same few gaps (" ", ", ", "\n2. ") recur between the words of every message.
    return _GAP_RE.fullmatch(gap) is not None


def find_phrases(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for segment in _word_segments(text):
        findings += _segment_findings(text, segment)
    for segment in _han_segments(text):
        findings += _segment_findings(text, segment)
    return findings


def _word_segments(text: str) -> Iterator[list[_Token]]:
    """Runs of alphabetic list words (any list) joined by separators, long enough to matter."""
    lexicon = _word_lexicon()
    segment: list[_Token] = []
    for match in _WORD_RE.finditer(text):
        word = match.group().lower()
        mask = lexicon.get(word, 0)
        if not mask:
            if len(segment) >= _MIN_WORDS:
                yield segment
            segment = []
            continue
        start = match.start()
        if segment and not _is_separator(text[segment[-1].end : start]):
            if len(segment) >= _MIN_WORDS:
                yield segment
            segment = []
        segment.append(_Token(start, match.end(), word, mask))
    if len(segment) >= _MIN_WORDS:
        yield segment


def _han_segments(text: str) -> Iterator[list[_Token]]:
    """Stretches of Chinese list characters that could hold a phrase, found at C speed first."""
    together, separated = _han_patterns()
    spans = [match.span() for match in together.finditer(text)]
    spans += [match.span() for match in separated.finditer(text)]
    lexicon = _han_lexicon()
    for start, end in _merge_spans(spans):
        yield [
            _Token(offset, offset + 1, char, lexicon[char])
            for offset, char in enumerate(text[start:end], start)
            if char in lexicon
        ]


def _merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _segment_findings(text: str, segment: list[_Token]) -> list[Finding]:
    findings: list[Finding] = []
    present = 0
    for token in segment:
        present |= token.mask
    for item in wordlists():
        if not present & item.bit:
            continue
        for run in _runs_of(segment, item.bit):
            if item.language in CHINESE:
                findings += _chinese_run_findings(text, run, item)
            else:
                findings += _separated_run_findings(text, run, item)
    return findings


def _runs_of(segment: list[_Token], bit: int) -> Iterator[list[_Token]]:
    run: list[_Token] = []
    for token in segment:
        if token.mask & bit:
            run.append(token)
            continue
        if len(run) >= _MIN_WORDS:
            yield run
        run = []
    if len(run) >= _MIN_WORDS:
        yield run


def _separated_run_findings(text: str, run: list[_Token], item: Wordlist) -> list[Finding]:
    indices = [item.index[token.word] for token in run]
    first, last = _core(text, run, item)
    windows = list(_valid_windows(indices))
    if windows:
        first = min(first, *(start for start, _ in windows))
        last = max(last, *(start + length - 1 for start, length in windows))
        return [Finding(RECOVERY_PHRASE, run[first].start, run[last].end)]
    if _may_be_suspected(last - first + 1, run[first : last + 1], item):
        return [Finding(SUSPECTED_PHRASE, run[first].start, run[last].end)]
    return []


def _core(text: str, run: list[_Token], item: Wordlist) -> tuple[int, int]:
    """The first and last position of the run once the sentence around it is left out.

    The words a customer writes next to a phrase ("my seed: ... please help, what can") are
    often list words too and join its run. In English they are common words, and they are
    usually set off differently from the words of the phrase, which share one separator. So
    common words at either end stay out unless they are joined like the phrase's own words
    (a phrase's first or last word is a common one about 3 % of the time). The checksum-valid
    windows are redacted whatever this says.
    """
    if item.language != ENGLISH:
        return 0, len(run) - 1
    uncommon = [position for position, token in enumerate(run) if token.word not in _ENGLISH_GLUE]
    if not uncommon:
        return 0, -1
    first, last = uncommon[0], uncommon[-1]
    gaps = [_gap_shape(text[a.end : b.start]) for a, b in zip(run, run[1:], strict=False)]
    inner = Counter(gaps[first:last])
    if not inner:
        return first, last
    separator = inner.most_common(1)[0][0]
    while first > 0 and gaps[first - 1] == separator:
        first -= 1
    while last < len(run) - 1 and gaps[last] == separator:
        last += 1
    return first, last


def _gap_shape(gap: str) -> str:
    """A gap without its numbers: "\n2. " and "\n10. " separate a phrase the same way."""
    return _DIGITS_RE.sub("", gap)


def _may_be_suspected(length: int, core: list[_Token], item: Wordlist) -> bool:
    """Only where ordinary writing does not produce 8+ list words in a row.

    English prose does, now and then ("to reduce this risk, you can add margin, use ..."), but
    leans on common words to do it. Chinese runs reach here only with every character set apart,
    which prose never is. Other lists are checked by checksum only: without a corpus of support
    mail in those languages we cannot show that their prose stays quiet.
    """
    if length < MIN_SUSPECTED_WORDS:
        return False
    if item.language in CHINESE:
        return True
    if item.language != ENGLISH:
        return False
    glue = sum(token.word in _ENGLISH_GLUE for token in core)
    return glue <= _MAX_GLUE_SHARE * length


def _valid_windows(
    indices: Sequence[int], starts: Callable[[int], Iterable[int]] | None = None
) -> Iterator[tuple[int, int]]:
    """Every (start, length) window of a valid length whose checksum holds, among ``starts``."""
    prefix = [0]
    for position in indices:
        prefix.append((prefix[-1] << BITS_PER_WORD) | position)
    for length in PHRASE_LENGTHS:
        candidates = range(len(indices) - length + 1) if starts is None else starts(length)
        for start in candidates:
            value = prefix[start + length] - (prefix[start] << (BITS_PER_WORD * length))
            if checksum_matches(value, length):
                yield start, length


class _WrittenTogether:
    """The windows of a Chinese run that may be a phrase written without spaces (perhaps in
    groups, "的一是在 不了有和 ..."): at least half of the characters written together, no
    prose punctuation between any two, and not already readable as text by the cheap
    :class:`ScoreBound`. A window that is mostly spaced belongs to a spaced phrase and must not
    reach into the prose written next to it."""

    def __init__(self, text: str, run: list[_Token], simplified: str) -> None:
        self.together = [0]
        self.punctuated = [0]
        for before, after in zip(run, run[1:], strict=False):
            adjacent = before.end == after.start
            punctuated = not adjacent and any(
                char in _PROSE_PUNCTUATION for char in text[before.end : after.start]
            )
            self.together.append(self.together[-1] + adjacent)
            self.punctuated.append(self.punctuated[-1] + punctuated)
        self.bound = ScoreBound(simplified)

    def __call__(self, length: int) -> list[int]:
        together, punctuated, needed = self.together, self.punctuated, length // 2
        return [
            start
            for start in self.bound.phrase_like_starts(length)
            if together[start + length - 1] - together[start] >= needed
            and punctuated[start + length - 1] == punctuated[start]
        ]


def _chinese_run_findings(text: str, run: list[_Token], item: Wordlist) -> list[Finding]:
    findings: list[Finding] = []
    for part in _separated_parts(run):
        findings += _separated_run_findings(text, part, item)
    indices = [item.index[token.word] for token in run]
    # The Simplified and Traditional lists share their order, so the index gives the Simplified
    # spelling the word model knows.
    words = wordlist(SIMPLIFIED_CHINESE).words
    simplified = "".join(words[index] for index in indices)
    spans = []
    for start, length in _valid_windows(indices, _WrittenTogether(text, run, simplified)):
        if not reads_as_chinese_text(simplified[start : start + length]):
            spans.append((run[start].start, run[start + length - 1].end))
    findings += [Finding(RECOVERY_PHRASE, start, end) for start, end in _merge_spans(spans)]
    return findings


def _separated_parts(run: list[_Token]) -> Iterator[list[_Token]]:
    """Maximal parts of a Chinese run in which every character is set apart from the next."""
    if run[-1].end - run[0].start == len(run):
        return  # all written together: the usual case in ordinary text
    part = run[:1]
    for before, after in zip(run, run[1:], strict=False):
        if before.end == after.start:
            if len(part) >= MIN_SUSPECTED_WORDS:
                yield part
            part = []
        part.append(after)
    if len(part) >= MIN_SUSPECTED_WORDS:
        yield part
