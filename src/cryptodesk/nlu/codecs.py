"""Address codecs: Base58 (Bitcoin and Ripple alphabets), Base58Check, Bech32/Bech32m segwit
addresses (BIP173, BIP350) and Keccak-256 with the EIP-55 mixed-case checksum.

Pure functions. Decoders raise :class:`CodecError` (a ``ValueError``) with the reason, so a
caller can tell "not this format" from a bug.
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Final

from Crypto.Hash import keccak

BITCOIN_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
RIPPLE_ALPHABET: Final = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"


class CodecError(ValueError):
    """The text is not a valid encoding (bad character, length or checksum)."""


def _reverse_map(alphabet: str) -> dict[str, int]:
    return {char: index for index, char in enumerate(alphabet)}


_BASE58_INDEX: Final = {
    BITCOIN_ALPHABET: _reverse_map(BITCOIN_ALPHABET),
    RIPPLE_ALPHABET: _reverse_map(RIPPLE_ALPHABET),
}


# --- Base58 / Base58Check ---------------------------------------------------------------------


def b58encode(data: bytes, alphabet: str = BITCOIN_ALPHABET) -> str:
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(alphabet[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return alphabet[0] * leading_zeros + "".join(reversed(digits))


def b58decode(text: str, alphabet: str = BITCOIN_ALPHABET) -> bytes:
    index = _BASE58_INDEX.get(alphabet) or _reverse_map(alphabet)
    number = 0
    for char in text:
        value = index.get(char)
        if value is None:
            raise CodecError(f"{char!r} is not a base58 character")
        number = number * 58 + value
    leading_zeros = len(text) - len(text.lstrip(alphabet[0]))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * leading_zeros + body


def double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58check_encode(payload: bytes, alphabet: str = BITCOIN_ALPHABET) -> str:
    return b58encode(payload + double_sha256(payload)[:4], alphabet)


def b58check_decode(text: str, alphabet: str = BITCOIN_ALPHABET) -> bytes:
    """The payload (version byte included) after verifying the 4-byte double-SHA256 checksum."""
    raw = b58decode(text, alphabet)
    if len(raw) < 5:
        raise CodecError("too short for base58check")
    payload, checksum = raw[:-4], raw[-4:]
    if double_sha256(payload)[:4] != checksum:
        raise CodecError("base58check checksum mismatch")
    return payload


# --- Bech32 / Bech32m (BIP173, BIP350) --------------------------------------------------------

BECH32_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX: Final = _reverse_map(BECH32_CHARSET)
_BECH32_GENERATOR: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Variant(Enum):
    BECH32 = 1
    BECH32M = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def bech32_encode(hrp: str, data: list[int], variant: Bech32Variant) -> str:
    values = _hrp_expand(hrp) + data
    polymod = _polymod([*values, 0, 0, 0, 0, 0, 0]) ^ variant.value
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def bech32_decode(text: str) -> tuple[str, list[int], Bech32Variant]:
    """Split a Bech32 or Bech32m string into human-readable part, 5-bit data and variant."""
    if any(ord(char) < 33 or ord(char) > 126 for char in text):
        raise CodecError("bech32 allows printable ASCII only")
    if text.lower() != text and text.upper() != text:
        raise CodecError("bech32 must not mix upper and lower case")
    if len(text) > 90:
        raise CodecError("bech32 strings are at most 90 characters")
    text = text.lower()
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text):
        raise CodecError("bech32 separator misplaced")
    hrp = text[:separator]
    try:
        data = [_BECH32_INDEX[char] for char in text[separator + 1 :]]
    except KeyError as error:
        raise CodecError(f"{error.args[0]!r} is not a bech32 character") from None
    constant = _polymod(_hrp_expand(hrp) + data)
    for variant in Bech32Variant:
        if constant == variant.value:
            return hrp, data[:-6], variant
    raise CodecError("bech32 checksum mismatch")


def convert_bits(data: list[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    accumulator = 0
    bits = 0
    result: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            raise CodecError("value out of range for bit conversion")
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append((accumulator >> bits) & max_value)
    if pad:
        if bits:
            result.append((accumulator << (to_bits - bits)) & max_value)
    elif bits >= from_bits or ((accumulator << (to_bits - bits)) & max_value):
        raise CodecError("invalid padding")
    return result


def decode_segwit_address(hrp: str, address: str) -> tuple[int, bytes]:
    """Witness version and program of a segwit address for ``hrp``, validated per BIP350."""
    found_hrp, data, variant = bech32_decode(address)
    if found_hrp != hrp:
        raise CodecError(f"expected human-readable part {hrp!r}, found {found_hrp!r}")
    if not data:
        raise CodecError("missing witness version")
    version = data[0]
    if version > 16:
        raise CodecError("witness version above 16")
    program = bytes(convert_bits(data[1:], 5, 8, pad=False))
    if not 2 <= len(program) <= 40:
        raise CodecError("witness program must be 2 to 40 bytes")
    if version == 0 and len(program) not in (20, 32):
        raise CodecError("version 0 witness program must be 20 or 32 bytes")
    expected = Bech32Variant.BECH32 if version == 0 else Bech32Variant.BECH32M
    if variant is not expected:
        raise CodecError(f"witness version {version} requires {expected.name.lower()}")
    return version, program


def encode_segwit_address(hrp: str, version: int, program: bytes) -> str:
    variant = Bech32Variant.BECH32 if version == 0 else Bech32Variant.BECH32M
    address = bech32_encode(hrp, [version, *convert_bits(list(program), 8, 5, pad=True)], variant)
    decode_segwit_address(hrp, address)
    return address


# --- Keccak-256 and EIP-55 --------------------------------------------------------------------


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (the original padding, not NIST SHA3-256)."""
    digest = keccak.new(digest_bits=256)
    digest.update(data)
    return digest.digest()


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case form of a ``0x`` + 40 hex address."""
    hex_part = address[2:].lower() if address[:2] in ("0x", "0X") else address.lower()
    if len(hex_part) != 40 or any(char not in "0123456789abcdef" for char in hex_part):
        raise CodecError("an EVM address is 40 hexadecimal digits")
    hashed = keccak256(hex_part.encode("ascii")).hex()
    return "0x" + "".join(
        char.upper() if int(nibble, 16) >= 8 else char
        for char, nibble in zip(hex_part, hashed[:40], strict=True)
    )


def is_valid_eip55(address: str) -> bool:
    """True when a mixed-case address carries a correct EIP-55 checksum."""
    try:
        return eip55_checksum(address) == address
    except CodecError:
        return False
