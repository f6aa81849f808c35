"""Find private keys: raw hex in key context, WIF, extended private keys, Ethereum keystore JSON
and Solana secret keys.

Everything with a checksum or a derivable public half is verified, so a look-alike (a
transaction hash, a Solana transaction signature, an xpub) is left alone. Raw 64-character hex
carries no checksum and is also the shape of a transaction hash, so it counts as a key only
when the words nearest to it say so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cryptodesk.nlu.codecs import CodecError, b58check_decode, b58decode
from cryptodesk.tickets.pipeline import Finding

PRIVATE_KEY: Final = "private key"
EXTENDED_PRIVATE_KEY: Final = "extended private key"
KEYSTORE: Final = "keystore"
SOLANA_SECRET_KEY: Final = "solana secret key"  # noqa: S105 - a kind name

_B58: Final = "1-9A-HJ-NP-Za-km-z"
# Both hex and base58 keys are 51+ letters and digits in a row; most messages have none.
_LONG_TOKEN_RE: Final = re.compile(r"[0-9A-Za-z]{51}")
_HEX_KEY_RE: Final = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_BASE58_RE: Final = re.compile(rf"(?<![0-9A-Za-z])[{_B58}]{{51,111}}(?![0-9A-Za-z])")
_BYTE_ARRAY_RE: Final = re.compile(r"\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]")
_CIPHERTEXT_RE: Final = re.compile(r"\"ciphertext\"\s*:\s*\"[^\"]*\"")

_WIF_VERSIONS: Final = frozenset({0x80, 0xEF})
_WIF_FIRST_CHARACTERS: Final = frozenset("5KL9c")
_EXTENDED_PREFIXES: Final = frozenset(
    {"xprv", "yprv", "zprv", "tprv", "uprv", "vprv", "Yprv", "Zprv", "Uprv", "Vprv"}
)
_EXTENDED_KEY_LENGTH: Final = 111
_SOLANA_KEY_LENGTHS: Final = range(86, 89)

# The words nearest to a value name it: "private key: ...", "txid ...", "私钥：...". Deposits,
# withdrawals and transfers are looked up by their transaction hash.
_CONTEXT_RE: Final = re.compile(
    r"(?P<key>private|\bpriv\b|privkey|secret|\bseed\b|私钥|私鑰|密钥|密鑰|秘钥|秘鑰|\bwif\b"
    r"|\bpk\b|\bsk\b|(?<![Pp]ublic[ _-])\bkeys?\b)"
    r"|(?P<other>\btx|hash|transaction|signature|\bsig\b|block|public|pubkey|deposit|withdraw"
    r"|transfer|交易|哈希|雜湊|杂凑|区块|區塊|公钥|公鑰|签名|簽名|充值|儲值|存入|入金|提现|提現|提领|提領"
    r"|提币|提幣|转账|轉賬|轉帳|到账|到帳)",
    re.IGNORECASE,
)
_CONTEXT_BEFORE: Final = 64
# After the value, only a short tail of the same sentence names it ("... is my private key").
_CONTEXT_AFTER: Final = 24
_SENTENCE_END_RE: Final = re.compile(r"[\n.!?。！？；;]")
_SENTENCE_BREAK_RE: Final = re.compile(r"[.!?](?=\s)|[。！？]")
_KEYSTORE_BRACES_TRIED: Final = 64


def find_keys(text: str) -> list[Finding]:
    findings: list[Finding] = []
    if _LONG_TOKEN_RE.search(text):
        findings += _hex_keys(text)
        findings += _base58_keys(text)
    if "[" in text:
        findings += _byte_array_keys(text)
    if '"ciphertext"' in text:
        findings += _keystores(text)
    return findings


def in_key_context(text: str, start: int, end: int) -> bool:
    """Whether the nearest naming word of the same sentence, before the value (else after it),
    calls it a key. "Private key:" on the line above counts; "I never shared my private key."
    before a transaction hash does not."""
    window_start = max(0, start - _CONTEXT_BEFORE)
    for boundary in _SENTENCE_BREAK_RE.finditer(text, window_start, start):
        window_start = boundary.end()
    before = list(_CONTEXT_RE.finditer(text, window_start, start))
    if before:
        return before[-1].group("key") is not None
    sentence_end = _SENTENCE_END_RE.search(text, end, end + _CONTEXT_AFTER)
    after = _CONTEXT_RE.search(
        text, end, sentence_end.start() if sentence_end else end + _CONTEXT_AFTER
    )
    return after is not None and after.group("key") is not None


def _hex_keys(text: str) -> Iterator[Finding]:
    for match in _HEX_KEY_RE.finditer(text):
        if in_key_context(text, match.start(), match.end()):
            yield Finding(PRIVATE_KEY, match.start(), match.end())


def _base58_keys(text: str) -> Iterator[Finding]:
    for match in _BASE58_RE.finditer(text):
        kind = _base58_kind(text, match)
        if kind is not None:
            yield Finding(kind, match.start(), match.end())


def _base58_kind(text: str, match: re.Match[str]) -> str | None:
    token = match.group()
    if len(token) in (51, 52) and token[0] in _WIF_FIRST_CHARACTERS and is_wif(token):
        return PRIVATE_KEY
    if len(token) == _EXTENDED_KEY_LENGTH and is_extended_private_key(token):
        return EXTENDED_PRIVATE_KEY
    if len(token) in _SOLANA_KEY_LENGTHS and _is_solana_secret(text, match):
        return SOLANA_SECRET_KEY
    return None


def is_wif(token: str) -> bool:
    """Wallet Import Format: version 0x80 (mainnet) or 0xef (testnet), 32 key bytes and an
    optional 0x01 compression flag, under a Base58Check checksum."""
    try:
        payload = b58check_decode(token)
    except CodecError:
        return False
    body = payload[1:]
    compressed = len(body) == 33 and body[32] == 1
    return payload[0] in _WIF_VERSIONS and (len(body) == 32 or compressed)


def is_extended_private_key(token: str) -> bool:
    """BIP32 serialization: 78 bytes whose key data starts with 0x00 (private), checksummed."""
    if token[:4] not in _EXTENDED_PREFIXES:
        return False
    try:
        payload = b58check_decode(token)
    except CodecError:
        return False
    return len(payload) == 78 and payload[45] == 0


def is_solana_keypair(raw: bytes) -> bool:
    """A Solana secret key is an Ed25519 seed followed by the public key it derives to."""
    if len(raw) != 64:
        return False
    public = Ed25519PrivateKey.from_private_bytes(raw[:32]).public_key().public_bytes_raw()
    return public == raw[32:]


def _is_solana_secret(text: str, match: re.Match[str]) -> bool:
    # A transaction signature is 64 base58-encoded bytes too; only a real key pair (or a value
    # its writer calls a key) is redacted.
    try:
        raw = b58decode(match.group())
    except CodecError:
        return False
    if len(raw) != 64:
        return False
    return is_solana_keypair(raw) or in_key_context(text, match.start(), match.end())


def _byte_array_keys(text: str) -> Iterator[Finding]:
    """The Solana CLI keypair file: a JSON array of the 64 secret-key bytes."""
    for match in _BYTE_ARRAY_RE.finditer(text):
        values = [int(value) for value in re.findall(r"\d+", match.group())]
        if all(value <= 255 for value in values):
            yield Finding(SOLANA_SECRET_KEY, match.start(), match.end())


def _keystores(text: str) -> list[Finding]:
    findings: list[Finding] = []
    covered_until = -1
    for match in re.finditer('"ciphertext"', text):
        if match.start() < covered_until:
            continue
        span = _keystore_object(text, match.start())
        if span is None:
            span = _bare_ciphertext(text, match.start())
        if span is not None:
            findings.append(Finding(KEYSTORE, *span))
            covered_until = span[1]
    return findings


def _keystore_object(text: str, position: int) -> tuple[int, int] | None:
    """The outermost JSON object around ``position`` that is (or wraps) a keystore's crypto."""
    decoder = json.JSONDecoder()
    found = None
    brace = position
    for _ in range(_KEYSTORE_BRACES_TRIED):
        brace = text.rfind("{", 0, brace)
        if brace < 0:
            break
        try:
            value, end = decoder.raw_decode(text, brace)
        except ValueError:
            continue
        if end > position and _is_keystore(value):
            found = (brace, end)
    return found


def _is_keystore(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    crypto = value.get("crypto", value.get("Crypto", value))
    return isinstance(crypto, dict) and "ciphertext" in crypto and "kdf" in crypto


def _bare_ciphertext(text: str, position: int) -> tuple[int, int] | None:
    """A keystore too damaged to parse still loses its ciphertext when its kdf is pasted too."""
    match = _CIPHERTEXT_RE.match(text, position)
    if match is None or '"kdf"' not in text:
        return None
    return match.span()
