"""Language of a customer message: ``en``, ``zh-hans``, ``zh-hant``, ``ja``, ``ko`` or another
ISO 639-1 code.

Scripts decide first, because a language-ID model is unreliable on the three-word messages that
support chat is full of: Han text is Chinese unless it carries kana, and Simplified is told from
Traditional by the characters OpenCC converts (phrase-aware, so 皇后 or 公里 are not mistaken
for Simplified). Other alphabetic text goes to py3langid, whose model ships in its package; a
short ASCII message it cannot place with confidence is English, the platform's default.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import opencc

# Simplified characters that OpenCC converts, yet are also standard characters of Traditional
# writing (台灣, 干涉, 皇后, 公里, 准許 ...): they are no evidence of Simplified text.
SHARED_BY_BOTH_SCRIPTS = frozenset(
    "台干后里准松几云范丑征斗谷板表才朴卜舍余于志凶咸向折托划困伙借尸合郁御吁致秋据胡姜吊周"
    "沈回党价仆累布了出占克卷注游症杰念荐岩采蒙家辟并叶只面系制"
)

# Languages py3langid may answer with: the widely used ones. The full model also knows
# Breton, Volapük and the like, which it picks for short English far too often.
CANDIDATE_LANGUAGES = (
    "af am ar az be bg bn bs ca cs cy da de el en eo es et eu fa fi fr ga gl gu he hi hr hu hy "
    "id is it ja ka kk km kn ko lo lt lv mk ml mn mr ms mt my ne nl nn no pa pl pt ro ru si sk "
    "sl sq sr sv sw ta te th tl tr uk ur uz vi zh"
).split()

# Below this many letters, or this normalised probability, py3langid is guessing.
MIN_CONFIDENT_LETTERS = 12
MIN_CONFIDENCE = 0.6

# Common words of English support messages: a short message made of these is English.
ENGLISH_WORDS = frozenset(
    """
    a about account address after again all am an and any app are as asap at available back
    balance be been bank btc but buy by can cancel cannot card change check code coin coins come
    could day days deposit deposits did didnt do does doesnt done dont email error eth failed
    fee fees for from fund funds get give go good got had has have hello help hey hi how hrs i
    id im in is isnt it its just kyc last limit locked log login lost me missing money more my
    need new no not now of ok okay on one or order out password pending phone please pls plz
    received reset see sell sent should so some still support thank thanks thx that the there
    this to today transfer transaction tx up urgent us usdt verify verification wallet want was
    we what when where which why will with withdraw withdrawal withdrawals wrong yes yet you
    your
    """.split()
)

# One-word greetings and thanks that py3langid cannot place: too short to carry n-gram evidence.
ONE_WORD_MESSAGES = {
    "bonjour": "fr",
    "salut": "fr",
    "merci": "fr",
    "hola": "es",
    "gracias": "es",
    "hallo": "de",
    "danke": "de",
    "ciao": "it",
    "grazie": "it",
    "obrigado": "pt",
    "obrigada": "pt",
    "ola": "pt",
    "hoi": "nl",
    "bedankt": "nl",
    "merhaba": "tr",
    "tesekkurler": "tr",
    "halo": "id",
}

_WORD = re.compile(r"[^\W\d_]+")


SUPPORT_LANGUAGES = ("en", "zh-hans", "zh-hant")
TRADITIONAL_REGIONS = frozenset({"tw", "hk", "mo"})


def support_language(tag: str | None) -> str | None:
    """The language a customer is answered in for a language tag (``zh_Hant``, ``zh-TW``,
    ``zh-Hant-HK``, ``en-GB``, any case): ``en``, ``zh-hans`` or ``zh-hant``; None for empty
    or other languages."""
    parts = (tag or "").strip().lower().replace("_", "-").split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] != "zh":
        return None
    if "hant" in parts or TRADITIONAL_REGIONS.intersection(parts):
        return "zh-hant"
    return "zh-hans"


def detect_language(text: str) -> str:
    """Return the language code of ``text``, or ``""`` when it has no letters at all."""
    counts = _script_counts(text)
    letters = sum(counts.values())
    if not letters:
        return ""
    cjk = counts["han"] + counts["kana"] + counts["hangul"]
    # One CJK character carries about as much as a short Latin word.
    if cjk * 3 >= letters - cjk:
        if counts["kana"] and counts["kana"] * 10 >= counts["han"] + counts["kana"]:
            return "ja"
        if counts["hangul"] > counts["han"]:
            return "ko"
        if counts["han"]:
            return chinese_script(text)
    return _alphabetic_language(text, counts)


def chinese_script(text: str) -> str:
    """``zh-hant`` when ``text`` shows more Traditional than Simplified evidence, else
    ``zh-hans`` (also for text written only in characters both scripts share)."""
    traditional = _changed(text, _converter("t2s"))
    simplified = _changed(text, _converter("s2t"), ignore=SHARED_BY_BOTH_SCRIPTS)
    return "zh-hant" if traditional > simplified else "zh-hans"


def _changed(text: str, converter: opencc.OpenCC, ignore: frozenset[str] = frozenset()) -> int:
    converted = converter.convert(text)
    if len(converted) != len(text):  # never seen: the character maps are one-to-one
        return 0
    return sum(a != b and a not in ignore for a, b in zip(text, converted, strict=True))


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _script_counts(text: str) -> dict[str, int]:
    counts = dict.fromkeys(("han", "kana", "hangul", "latin", "other"), 0)
    for char in text:
        if not char.isalpha():
            continue
        counts[_script(char)] += 1
    return counts


def _script(char: str) -> str:
    code = ord(char)
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F:
        return "han"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0xFF21 <= code <= 0xFF5A:
        return "latin"
    return "other"


def _alphabetic_language(text: str, counts: dict[str, int]) -> str:
    words = [word.lower() for word in _WORD.findall(unicodedata.normalize("NFKC", text))]
    ascii_only = counts["other"] == 0 and all(word.isascii() for word in words)
    if ascii_only and words and _mostly_english(words):
        return "en"
    if len(words) == 1 and words[0] in ONE_WORD_MESSAGES:
        return ONE_WORD_MESSAGES[words[0]]
    code, confidence = _identifier().classify(text)
    letters = sum(counts.values())
    if ascii_only and (letters < MIN_CONFIDENT_LETTERS or confidence < MIN_CONFIDENCE):
        return "en"
    return str(code)


def _mostly_english(words: list[str]) -> bool:
    known = sum(word in ENGLISH_WORDS for word in words)
    return known * 2 > len(words) if len(words) > 2 else known == len(words)


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(CANDIDATE_LANGUAGES)
    return identifier
