"""BIP39 word lists and the BIP39 checksum.

The official lists are read at runtime from the ``mnemonic`` package (never copied into this
repository). They are stored there in NFKD form; customers type NFC, and often leave out the
accents of the Spanish and French lists, so every list is indexed by its NFC spelling and, for
Latin-script lists, by its accent-free spelling as well.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Final

PHRASE_LENGTHS: Final = (12, 15, 18, 21, 24)
BITS_PER_WORD: Final = 11

ENGLISH: Final = "english"
SIMPLIFIED_CHINESE: Final = "chinese_simplified"
TRADITIONAL_CHINESE: Final = "chinese_traditional"
CHINESE: Final = (SIMPLIFIED_CHINESE, TRADITIONAL_CHINESE)
LANGUAGES: Final = (
    ENGLISH,
    SIMPLIFIED_CHINESE,
    TRADITIONAL_CHINESE,
    "japanese",
    "korean",
    "spanish",
    "french",
    "italian",
    "czech",
    "portuguese",
    "russian",
    "turkish",
)
# Lists whose words customers may type without their accents.
_LATIN_SCRIPT: Final = frozenset(
    {ENGLISH, "spanish", "french", "italian", "czech", "portuguese", "turkish"}
)


@dataclass(frozen=True)
class Wordlist:
    """One official list: ``bit`` identifies it inside the language masks of the lexicons."""

    language: str
    bit: int
    words: tuple[str, ...]
    index: Mapping[str, int]


def fold_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _read_words(language: str) -> tuple[str, ...]:
    text = resources.files("mnemonic").joinpath("wordlist", f"{language}.txt").read_text("utf-8")
    words = tuple(unicodedata.normalize("NFC", word) for word in text.split())
    if len(words) != 2048:
        raise RuntimeError(f"the {language} BIP39 word list has {len(words)} words, not 2048")
    return words


def _build_index(language: str, words: tuple[str, ...]) -> dict[str, int]:
    index = {word: position for position, word in enumerate(words)}
    if language in _LATIN_SCRIPT:
        for position, word in enumerate(words):
            index.setdefault(fold_accents(word), position)
    return index


@functools.cache
def wordlists() -> tuple[Wordlist, ...]:
    lists = []
    for bit_number, language in enumerate(LANGUAGES):
        words = _read_words(language)
        lists.append(Wordlist(language, 1 << bit_number, words, _build_index(language, words)))
    return tuple(lists)


@functools.cache
def wordlist(language: str) -> Wordlist:
    return next(item for item in wordlists() if item.language == language)


def phrase_value(indices: Sequence[int]) -> int:
    value = 0
    for position in indices:
        value = (value << BITS_PER_WORD) | position
    return value


def checksum_matches(value: int, word_count: int) -> bool:
    """Whether the ``word_count`` 11-bit indices packed in ``value`` carry a valid checksum.

    BIP39: the last ``word_count / 3`` bits are the first bits of SHA-256 of the entropy that
    precedes them.
    """
    checksum_bits = word_count // 3
    entropy = (value >> checksum_bits).to_bytes(word_count * 4 // 3, "big")
    expected = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    return expected == value & ((1 << checksum_bits) - 1)


def is_valid_phrase(indices: Sequence[int]) -> bool:
    return len(indices) in PHRASE_LENGTHS and checksum_matches(phrase_value(indices), len(indices))


def phrase_from_entropy(entropy: bytes, language: str = ENGLISH) -> list[str]:
    """The mnemonic of ``entropy`` (16-32 bytes, a multiple of 4): used by tests and benchmarks."""
    if len(entropy) not in (16, 20, 24, 28, 32):
        raise ValueError("BIP39 entropy is 16, 20, 24, 28 or 32 bytes")
    checksum_bits = len(entropy) // 4
    checksum = hashlib.sha256(entropy).digest()[0] >> (8 - checksum_bits)
    value = (int.from_bytes(entropy, "big") << checksum_bits) | checksum
    word_count = (len(entropy) * 8 + checksum_bits) // BITS_PER_WORD
    words = wordlist(language).words
    return [
        words[(value >> (BITS_PER_WORD * (word_count - 1 - n))) & 0x7FF] for n in range(word_count)
    ]
