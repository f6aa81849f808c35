"""Genuine-looking secrets of every kind the guard removes, made from a seeded random source.

Used by the tests and by ``bench/guard_bench.py``; each value is built the way a wallet builds
it (BIP39 entropy and checksum, Base58Check, BIP32 serialization, Ed25519 key pairs), so the
detectors are checked against the real formats rather than against themselves.
"""

from __future__ import annotations

import json
import random
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cryptodesk.guard.wordlists import phrase_from_entropy
from cryptodesk.nlu.codecs import b58check_encode, b58encode

# BIP32 version bytes of serialized private keys (SLIP-132 for the segwit variants).
EXTENDED_VERSIONS: Final = {
    "xprv": bytes.fromhex("0488ade4"),
    "yprv": bytes.fromhex("049d7878"),
    "zprv": bytes.fromhex("04b2430c"),
    "tprv": bytes.fromhex("04358394"),
    "uprv": bytes.fromhex("044a4e28"),
    "vprv": bytes.fromhex("045f18bc"),
}


def random_phrase(rng: random.Random, language: str, word_count: int) -> list[str]:
    """A checksum-valid phrase of ``word_count`` (12-24) words."""
    return phrase_from_entropy(rng.randbytes(word_count * 4 // 3), language)


def hex_private_key(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def wif(secret: bytes, *, compressed: bool = True, testnet: bool = False) -> str:
    payload = bytes([0xEF if testnet else 0x80]) + secret + (b"\x01" if compressed else b"")
    return b58check_encode(payload)


def extended_private_key(rng: random.Random, prefix: str = "xprv") -> str:
    depth, fingerprint, child = bytes([3]), rng.randbytes(4), rng.randbytes(4)
    chain_code, key = rng.randbytes(32), b"\x00" + rng.randbytes(32)
    return b58check_encode(
        EXTENDED_VERSIONS[prefix] + depth + fingerprint + child + chain_code + key
    )


def solana_secret_key(rng: random.Random) -> bytes:
    """Seed followed by its public key, the 64 bytes Solana wallets export."""
    seed = rng.randbytes(32)
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return seed + public


def solana_secret_key_base58(rng: random.Random) -> str:
    return b58encode(solana_secret_key(rng))


def solana_signature_base58(rng: random.Random) -> str:
    """Same shape as a secret key (64 bytes): what a transaction signature looks like."""
    return b58encode(rng.randbytes(64))


def keystore_json(rng: random.Random, *, indent: int | None = None) -> str:
    """An Ethereum V3 keystore (Web3 Secret Storage) with random contents."""
    keystore = {
        "address": rng.randbytes(20).hex(),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": rng.randbytes(16).hex()},
            "ciphertext": rng.randbytes(32).hex(),
            "kdf": "scrypt",
            "kdfparams": {
                "dklen": 32,
                "n": 262144,
                "p": 1,
                "r": 8,
                "salt": rng.randbytes(32).hex(),
            },
            "mac": rng.randbytes(32).hex(),
        },
        "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
        "version": 3,
    }
    return json.dumps(keystore, indent=indent)
