"""Entities in a customer's message: crypto addresses (checksum-validated where the format has a
checksum), transaction hashes, amounts with an asset, order and withdrawal ids, emails and phone
numbers.

``extract_entities`` returns them in order of appearance without duplicates. Address kinds name
the chain (``address:btc``, ``address:evm`` ...); a mixed-case EVM address whose EIP-55 checksum
fails is reported as ``invalid_address:evm`` so an agent can warn the customer about a mistyped
address. Where two candidates overlap, the more specific one wins: an email beats the digits in
it, a checksummed address beats an amount or a phone number, an order id beats a phone number.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from cryptodesk.nlu.codecs import (
    RIPPLE_ALPHABET,
    CodecError,
    b58check_decode,
    b58decode,
    decode_segwit_address,
    is_valid_eip55,
)
from cryptodesk.tickets.pipeline import Entity

# Overlap precedence, lower wins.
_RANK_EMAIL: Final = 0
_RANK_CHAIN: Final = 1
_RANK_SOLANA: Final = 2
_RANK_ID: Final = 3
_RANK_PHONE: Final = 4
_RANK_AMOUNT: Final = 5
# "order 123456789" without "id"/"#"/"号": a guess that yields to anything more certain.
_RANK_BARE_ID: Final = 6

# Not "\b": Python counts CJK characters as word characters, and Chinese text puts them right
# against an address or a number.
_NOT_AFTER_ALNUM: Final = r"(?<![0-9A-Za-z])"
_NOT_BEFORE_ALNUM: Final = r"(?![0-9A-Za-z])"
_HAS_DIGIT_RE: Final = re.compile(r"\d")
_HAS_LETTER_RE: Final = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    rank: int
    entity: Entity


class _Context:
    """Facts about the whole message, computed once and only if a candidate asks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._mentions_solana: bool | None = None
        self._prefers_litecoin: bool | None = None
        # Amounts, ids and phone numbers all need a digit; most chatty messages have none.
        self.has_digit = _HAS_DIGIT_RE.search(text) is not None

    @property
    def mentions_solana(self) -> bool:
        if self._mentions_solana is None:
            self._mentions_solana = bool(_SOLANA_CONTEXT_RE.search(self.text))
        return self._mentions_solana

    @property
    def prefers_litecoin(self) -> bool:
        if self._prefers_litecoin is None:
            self._prefers_litecoin = bool(_LITECOIN_CONTEXT_RE.search(self.text)) and not (
                _BITCOIN_CONTEXT_RE.search(self.text)
            )
        return self._prefers_litecoin

    def stands_alone(self, start: int, end: int) -> bool:
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line = self.text[line_start : len(self.text) if line_end < 0 else line_end]
        return line.strip() == self.text[start:end]


# --- Hex: EVM addresses, EVM transaction hashes, 64-hex transaction ids ----------------------

_HEX_RE: Final = re.compile(
    _NOT_AFTER_ALNUM
    + r"(?:0x(?P<evm>[0-9a-fA-F]{64}|[0-9a-fA-F]{40})|(?P<bare>[0-9a-fA-F]{64}))"
    + _NOT_BEFORE_ALNUM
)


def _hex_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    for match in _HEX_RE.finditer(text):
        start, end = match.span()
        evm = match["evm"]
        if evm is None:
            yield _Candidate(start, end, _RANK_CHAIN, Entity("txid", match["bare"].lower()))
        elif len(evm) == 64:
            yield _Candidate(start, end, _RANK_CHAIN, Entity("txid:evm", "0x" + evm.lower()))
        else:
            yield _Candidate(start, end, _RANK_CHAIN, _evm_address(match[0]))


def _evm_address(address: str) -> Entity:
    hex_part = address[2:]
    if hex_part == hex_part.lower() or hex_part == hex_part.upper() or is_valid_eip55(address):
        return Entity("address:evm", address)
    return Entity("invalid_address:evm", address)


# --- Bech32 / Bech32m segwit addresses ---------------------------------------------------------

_SEGWIT_KINDS: Final = {"bc": "address:btc", "tb": "address:btc-testnet", "ltc": "address:ltc"}
_BECH32_RE: Final = re.compile(
    _NOT_AFTER_ALNUM + r"(?P<hrp>bc|tb|ltc)1[02-9ac-hj-np-z]{6,87}" + _NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)


def _bech32_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    for match in _BECH32_RE.finditer(text):
        hrp = match["hrp"].lower()
        try:
            decode_segwit_address(hrp, match[0])
        except CodecError:
            continue
        entity = Entity(_SEGWIT_KINDS[hrp], match[0].lower())
        yield _Candidate(match.start(), match.end(), _RANK_CHAIN, entity)


# --- Base58 addresses: Bitcoin, Litecoin, Dogecoin, TRON, XRP, Solana --------------------------

_BASE58_RE: Final = re.compile(
    _NOT_AFTER_ALNUM + r"[1-9A-HJ-NP-Za-km-z]{25,44}" + _NOT_BEFORE_ALNUM
)
_BTC_P2SH_VERSION: Final = 0x05
_TRON_VERSION: Final = 0x41
_BASE58CHECK_KINDS: Final = {
    0x00: "address:btc",  # P2PKH, 1...
    _BTC_P2SH_VERSION: "address:btc",  # P2SH, 3... (Litecoin's legacy P2SH shares it)
    0x30: "address:ltc",  # P2PKH, L...
    0x32: "address:ltc",  # P2SH, M...
    0x1E: "address:doge",  # P2PKH, D...
    0x16: "address:doge",  # P2SH, A... or 9...
    _TRON_VERSION: "address:tron",  # T..., 34 characters
}
_HASH160_PAYLOAD_LENGTH: Final = 21  # version byte + 20-byte hash
_SOLANA_KEY_LENGTH: Final = 32
_SOLANA_CONTEXT_RE: Final = re.compile(
    r"(?<![A-Za-z])(?:solana|sol|spl|phantom|wallets?|address(?:es)?|addr)(?![A-Za-z])"
    r"|钱包|錢包|地址|索拉纳|索拉納",
    re.IGNORECASE,
)
_LITECOIN_CONTEXT_RE: Final = re.compile(
    r"litecoin|(?<![A-Za-z])ltc(?![A-Za-z])|莱特币|萊特幣", re.IGNORECASE
)
_BITCOIN_CONTEXT_RE: Final = re.compile(
    r"bitcoin|(?<![A-Za-z])btc(?![A-Za-z])|比特币|比特幣", re.IGNORECASE
)


def _base58_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    for match in _BASE58_RE.finditer(text):
        token = match[0]
        start, end = match.span()
        kind = _base58check_kind(token, context)
        if kind is not None:
            yield _Candidate(start, end, _RANK_CHAIN, Entity(kind, token))
        elif _is_solana_address(token, start, end, context):
            yield _Candidate(start, end, _RANK_SOLANA, Entity("address:sol", token))


def _base58check_kind(token: str, context: _Context) -> str | None:
    if len(token) > 35:
        return None
    if token[0] == "r":
        try:
            payload = b58check_decode(token, RIPPLE_ALPHABET)
        except CodecError:
            pass
        else:
            if len(payload) == _HASH160_PAYLOAD_LENGTH and payload[0] == 0:
                return "address:xrp"
    try:
        payload = b58check_decode(token)
    except CodecError:
        return None
    if len(payload) != _HASH160_PAYLOAD_LENGTH:
        return None
    version = payload[0]
    if version == _TRON_VERSION and (len(token) != 34 or token[0] != "T"):
        return None
    if version == _BTC_P2SH_VERSION and context.prefers_litecoin:
        return "address:ltc"
    return _BASE58CHECK_KINDS.get(version)


def _is_solana_address(token: str, start: int, end: int, context: _Context) -> bool:
    if len(token) < 32 or token[:4].lower().startswith(("bc1", "tb1", "ltc1")):
        return False
    if not (_HAS_DIGIT_RE.search(token) and _HAS_LETTER_RE.search(token)):
        return False
    if not (context.mentions_solana or context.stands_alone(start, end)):
        return False
    return len(b58decode(token)) == _SOLANA_KEY_LENGTH


# --- Amounts -----------------------------------------------------------------------------------

_ASSETS: Final = (
    "BTC ETH USDT USDC BNB SOL XRP TRX TON DOGE LTC ADA DOT MATIC POL AVAX LINK DAI SHIB ARB OP "
    "BUSD FDUSD TUSD USDD PYUSD USDE WBTC WETH BCH ETC XLM XMR ZEC ATOM NEAR APT SUI FIL UNI "
    "PEPE WLD TIA INJ SEI EOS AAVE TRUMP"
).split()
# Symbols that are also everyday words ("10 ton", "2 link") count only when written in capitals.
_WORDLIKE_ASSETS: Final = frozenset(
    "TON ADA DOT POL LINK ARB OP ETC ATOM NEAR APT SUI FIL UNI SEI EOS TIA INJ WLD TRUMP".split()
)
_ASSET_NAMES: Final = {
    "bitcoin": "BTC",
    "bitcoins": "BTC",
    "ether": "ETH",
    "ethereum": "ETH",
    "tether": "USDT",
    "solana": "SOL",
    "dogecoin": "DOGE",
    "litecoin": "LTC",
    "比特币": "BTC",
    "比特幣": "BTC",
    "以太坊": "ETH",
    "以太币": "ETH",
    "以太幣": "ETH",
    "泰达币": "USDT",
    "泰達幣": "USDT",
    "莱特币": "LTC",
    "萊特幣": "LTC",
    "狗狗币": "DOGE",
    "狗狗幣": "DOGE",
    "瑞波币": "XRP",
    "瑞波幣": "XRP",
    "波场币": "TRX",
    "波場幣": "TRX",
}
_MULTIPLIERS: Final = {
    "k": Decimal(1000),
    "m": Decimal(1000000),
    "千": Decimal(1000),
    "万": Decimal(10000),
    "萬": Decimal(10000),
    "亿": Decimal(100000000),
    "億": Decimal(100000000),
}
# At most 20 integer and 18 fractional digits (wei): a longer run of digits is no amount.
_NUMBER: Final = r"(?:\d{1,3}(?:,\d{3}){1,6}|\d{1,20})(?:\.\d{1,18})?"
_MULTIPLIER: Final = r"[kKmM千万萬亿億]"
_TIME_UNIT: Final = (
    r"(?i:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?)"
    r"(?![A-Za-z])|秒|分钟|分鐘|小时|小時|天|周|週|个月|個月|年|次"
)
_SYMBOL: Final = "(?i:{})".format(
    "|".join(sorted((*_ASSETS, *_ASSET_NAMES), key=len, reverse=True))
)
_AMOUNT_RE: Final = re.compile(
    # "150 USDT", "1,234.56 usdt", "0.5个BTC", "500U", "10万U", "2枚比特币"
    r"(?<![0-9A-Za-z.,_/\-])"
    rf"(?P<number>{_NUMBER})(?P<multiplier>{_MULTIPLIER})?\s*[个個枚]?\s*"
    rf"(?P<symbol>{_SYMBOL}|[Uu])" + _NOT_BEFORE_ALNUM +
    # "USDT 150", "BTC: 0.5"
    rf"|{_NOT_AFTER_ALNUM}(?P<symbol_first>{_SYMBOL})\s*[:：]?\s*"
    rf"(?P<number_after>{_NUMBER})(?P<multiplier_after>{_MULTIPLIER})?(?![0-9A-Za-z]|[.,]\d)"
    # "USDT 3 days ago" is a time, not 3 USDT
    rf"(?!\s*(?:{_TIME_UNIT}))"
)
# "ERC20 USDT" and "BEP-20 USDT" name a token standard, not an amount of 20.
_TOKEN_STANDARD_BEFORE_RE: Final = re.compile(r"(?:erc|trc|bep|brc|spl)[\s-]?$", re.IGNORECASE)


def _amount_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    if not context.has_digit:
        return
    for match in _AMOUNT_RE.finditer(text):
        if match["number"] is not None:
            if _TOKEN_STANDARD_BEFORE_RE.search(text, max(0, match.start() - 4), match.start()):
                continue
            number, multiplier, written = match["number"], match["multiplier"], match["symbol"]
        else:
            number, multiplier = match["number_after"], match["multiplier_after"]
            written = match["symbol_first"]
        symbol = _asset_symbol(written)
        if symbol is None:
            continue
        amount = Decimal(number.replace(",", ""))
        if multiplier:
            amount = _without_trailing_zeros(amount * _MULTIPLIERS[multiplier.lower()])
        entity = Entity("amount", f"{amount:f} {symbol}", amount=amount)
        yield _Candidate(match.start(), match.end(), _RANK_AMOUNT, entity)


def _without_trailing_zeros(amount: Decimal) -> Decimal:
    """1.5 x 1000 is 1500, not 1500.0 nor 1.5E+3."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


def _asset_symbol(written: str) -> str | None:
    if written in ("U", "u"):
        return "USDT"
    named = _ASSET_NAMES.get(written.lower())
    if named is not None:
        return named
    symbol = written.upper()
    if symbol in _WORDLIKE_ASSETS and written != symbol:
        return None
    return symbol


# --- Order and withdrawal ids ------------------------------------------------------------------

_ID_RE: Final = re.compile(
    r"(?:"
    r"(?<![A-Za-z])(?P<withdrawal_en>withdraw(?:al)?s?)"
    r"(?P<withdrawal_en_key>\s*(?:request\s*)?(?:id|no\.?|number|ref(?:erence)?)(?![A-Za-z]))?"
    r"|(?<![A-Za-z])(?P<order_en>orders?)"
    r"(?P<order_en_key>\s*(?:id|no\.?|number|ref(?:erence)?)(?![A-Za-z]))?"
    r"|(?P<withdrawal_zh>(?:提币|提幣|提现|提現)(?:订单|訂單)?"
    r"(?:单号|單號|编号|編號|号码|號碼|号|號|ID|id))"
    r"|(?P<order_zh>(?:订单|訂單))(?P<order_zh_key>单号|單號|编号|編號|号码|號碼|号|號|ID|id)?"
    r")"
    r"(?P<separator>\s*(?:is\s+)?(?:[:：#＃]|是|为|為)?\s*)"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{3,63})(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
_MIN_ID_DIGITS: Final = 3
_MIN_BARE_ID_DIGITS: Final = 6


def _id_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    if not context.has_digit:
        return
    for match in _ID_RE.finditer(text):
        if match["withdrawal_en"] is not None:
            kind, keyed = "withdrawal_id", match["withdrawal_en_key"] is not None
        elif match["order_en"] is not None:
            kind, keyed = "order_id", match["order_en_key"] is not None
        elif match["withdrawal_zh"] is not None:
            kind, keyed = "withdrawal_id", True
        else:
            kind, keyed = "order_id", match["order_zh_key"] is not None
        identifier = match["id"]
        keyed = keyed or "#" in match["separator"] or "＃" in match["separator"]
        start, end = match.span("id")
        if keyed:
            if sum(char.isdigit() for char in identifier) >= _MIN_ID_DIGITS:
                yield _Candidate(start, end, _RANK_ID, Entity(kind, identifier))
        # After a bare "order" only a long number will do ("order 123456789" yes, "order to
        # withdraw" no); a bare "withdraw 100000" is far more often an amount than an id.
        elif kind == "order_id" and identifier.isdigit():
            if len(identifier) >= _MIN_BARE_ID_DIGITS:
                yield _Candidate(start, end, _RANK_BARE_ID, Entity(kind, identifier))


# --- Emails and phone numbers ------------------------------------------------------------------

_EMAIL_RE: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"(?P<local>[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
    r"(?![A-Za-z0-9-])"
)


def _email_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    if "@" not in text:
        return
    for match in _EMAIL_RE.finditer(text):
        value = f"{match['local']}@{match['domain'].lower()}"
        yield _Candidate(match.start(), match.end(), _RANK_EMAIL, Entity("email", value))


# "+86 138 0013 8000", "+1 (415) 555-0100", "+44 20 7946 0958"
_INTERNATIONAL_PHONE_RE: Final = re.compile(
    # Possessive digit runs: one way to read any input, however many digits an attacker sends.
    r"(?<![0-9A-Za-z+])\+\d++(?:[ .\-]?(?:\(\d{1,4}\)|\d++)){0,6}"
)
_DIGIT_GROUP_RE: Final = re.compile(r"\d+")
# Most digits (country code included) a number may have, for common countries; the rest: E.164.
_MAX_PHONE_DIGITS: Final = {
    "1": 11,
    "7": 11,
    "86": 13,
    "852": 11,
    "853": 11,
    "886": 12,
    "65": 10,
    "44": 13,
    "81": 12,
    "82": 12,
}
_MIN_PHONE_DIGITS: Final = 8
_MAX_E164_DIGITS: Final = 15
# Mainland China mobiles written without a country code: 13800138000, 138 0013 8000.
_CHINA_MOBILE_RE: Final = re.compile(
    r"(?<![0-9A-Za-z+])1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}" + _NOT_BEFORE_ALNUM
)


def _phone_candidates(text: str, context: _Context) -> Iterator[_Candidate]:
    if not context.has_digit:
        return
    if "+" in text:
        for match in _INTERNATIONAL_PHONE_RE.finditer(text):
            phone = _international_phone(match[0])
            if phone is not None:
                digits, length = phone
                candidate_end = match.start() + length
                entity = Entity("phone", "+" + digits)
                yield _Candidate(match.start(), candidate_end, _RANK_PHONE, entity)
    for match in _CHINA_MOBILE_RE.finditer(text):
        digits = "".join(_DIGIT_GROUP_RE.findall(match[0]))
        yield _Candidate(match.start(), match.end(), _RANK_PHONE, Entity("phone", "+86" + digits))


def _max_phone_digits(digits: str) -> int:
    for country_code_length in (3, 2, 1):
        limit = _MAX_PHONE_DIGITS.get(digits[:country_code_length])
        if limit is not None:
            return limit
    return _MAX_E164_DIGITS


def _international_phone(written: str) -> tuple[str, int] | None:
    """The digits of a "+..." number and how much of ``written`` they take. Digit groups past
    the country's length are left out, so in "+1 415 555 0100 20 USDT" the 20 stays an amount."""
    groups = list(_DIGIT_GROUP_RE.finditer(written))
    all_digits = "".join(group[0] for group in groups)
    max_digits = _max_phone_digits(all_digits)
    digits = ""
    length = 0
    for group in groups:
        if len(digits) + len(group[0]) > max_digits:
            break
        digits += group[0]
        length = group.end()
    if len(digits) < _MIN_PHONE_DIGITS:
        return None
    if written[length : length + 1] == ")":
        length += 1
    return digits, length


# --- Putting it together -----------------------------------------------------------------------

_Extractor = Callable[[str, _Context], Iterator[_Candidate]]
_EXTRACTORS: Final[tuple[_Extractor, ...]] = (
    _email_candidates,
    _hex_candidates,
    _bech32_candidates,
    _base58_candidates,
    _id_candidates,
    _phone_candidates,
    _amount_candidates,
)


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Where candidates overlap keep the best ranked (then the earliest), in text order."""
    starts: list[int] = []
    kept: list[_Candidate] = []  # disjoint, so ordered by start and by end alike
    for candidate in sorted(candidates, key=lambda c: (c.rank, c.start)):
        index = bisect_left(starts, candidate.start)
        if index > 0 and kept[index - 1].end > candidate.start:
            continue
        if index < len(kept) and kept[index].start < candidate.end:
            continue
        starts.insert(index, candidate.start)
        kept.insert(index, candidate)
    return kept


def extract_entities(text: str) -> list[Entity]:
    """Every entity in ``text``, in order of appearance, each (kind, value) once."""
    context = _Context(text)
    candidates = [candidate for extractor in _EXTRACTORS for candidate in extractor(text, context)]
    entities: list[Entity] = []
    seen: set[tuple[str, str]] = set()
    for candidate in _without_overlaps(candidates):
        entity = candidate.entity
        key = (entity.kind, entity.value.lower() if "evm" in entity.kind else entity.value)
        if key not in seen:
            seen.add(key)
            entities.append(entity)
    return entities
