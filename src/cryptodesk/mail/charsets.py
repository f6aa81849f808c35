"""Turning the bytes of real mail into text, whatever its charset label claims.

Labels in the wild are often wrong: GB2312 mail carries GBK characters, Big5 mail carries
HKSCS ones, "iso-8859-1" mail is really windows-1252 or UTF-8, and some labels name no codec at
all. ``decode_bytes`` tries the label (widened to its superset), then UTF-8, then a small
plausibility contest between the common charsets of our customers, and finally UTF-8 with
replacement characters. It never raises; it says whether the result is a guess.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

# A label and the codec that decodes everything mail labelled so actually contains.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
}
# Single-byte charsets decode any bytes: valid non-ASCII UTF-8 under such a label is UTF-8.
SINGLE_BYTE = {"cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "cp874", "koi8-r"}
# Tried in order when the label is missing or wrong; the most plausible result wins.
GUESSES = ("gb18030", "big5hkscs", "cp932", "cp949", "cp1251", "cp1252")
# The most frequent characters of Chinese writing (both scripts) and of Japanese kana: text
# decoded with the right codec is full of them, a wrong CJK codec yields rare characters.
COMMON = frozenset(
    "的一是不了人我在有他这个们中来上大为和国地到以说时要就出会可也你对生能子那得于着下自之年过"
    "发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心本前"
    "开但因只从想实日者意无力与把机请帮充值账户提币钱款问题谢您已经号码登录密码收到查询处理"
    "們這個來為國說時會對過發後裡麼現當動還進開從實體見話問題帳戶請幫與錢幣謝處理詢號碼登錄"
    "のはがをにでとたしてすますいるれかなこもらあり"
)


@dataclass(frozen=True)
class Decoded:
    text: str
    codec: str
    guessed: bool


def codec_for(label: str | None) -> str:
    """The codec to try first for a charset label ('' when the label names none)."""
    if not label:
        return ""
    name = label.strip().strip("\"'").lower()
    name = SUPERSETS.get(name, name)
    if not name:
        return ""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return ""
    return SUPERSETS.get(codec, codec)


def plausibility(text: str) -> float:
    """How much ``text`` looks like human writing: letters, CJK, kana, hangul and punctuation
    score; control characters, private-use and rare symbols (what wrong decodings produce)
    cost."""
    if not text:
        return 0.0
    score = 0.0
    for ch in text:
        code = ord(ch)
        if code < 128:
            score += 1.0 if (ch.isprintable() or ch in "\r\n\t") else -5.0
            continue
        if ch in COMMON:
            score += 3.0
            continue
        if 0xAC00 <= code <= 0xD7A3:  # Hangul syllables
            score += 1.5
            continue
        if 0x4E00 <= code <= 0x9FFF or 0x3040 <= code <= 0x30FF:
            score += 0.8
            continue
        category = unicodedata.category(ch)
        if category in ("Co", "Cn", "Cc", "Cs"):
            score -= 5.0
        elif category.startswith("L"):
            # Extension blocks and compatibility ideographs are what mis-decoded bytes land on.
            score += 0.2 if code > 0x2FFFF or 0x3400 <= code <= 0x4DBF else 0.6
        elif category.startswith(("P", "Z", "N")):
            score += 0.5
        else:
            score -= 0.5
    return score / len(text)


def decode_bytes(data: bytes, label: str | None = None) -> Decoded:
    codec = codec_for(label)
    if codec and not (codec in SINGLE_BYTE and _is_utf8_non_ascii(data)):
        try:
            return Decoded(data.decode(codec), codec, guessed=False)
        except (UnicodeError, LookupError):  # some codecs ("undefined", "punycode") raise this
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return Decoded(text, "utf-8", guessed=bool(label) and codec != "utf-8")
    best: Decoded | None = None
    best_score = float("-inf")
    for candidate in GUESSES:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if score > best_score:
            best, best_score = Decoded(text, candidate, guessed=True), score
    if best is not None and best_score > 0.5:
        return best
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", guessed=True)


def _is_utf8_non_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
