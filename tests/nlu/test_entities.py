"""Entities found in customer messages: every address format with valid and broken checksums,
transaction hashes, amounts in English and Chinese, order and withdrawal ids, emails, phones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cryptodesk.nlu.codecs import (
    BECH32_CHARSET,
    BITCOIN_ALPHABET,
    RIPPLE_ALPHABET,
    b58check_decode,
    b58check_encode,
    b58decode,
    b58encode,
    decode_segwit_address,
    eip55_checksum,
    encode_segwit_address,
    keccak256,
)
from cryptodesk.nlu.entities import extract_entities
from cryptodesk.tickets.pipeline import Entity


def kinds_and_values(text: str) -> list[tuple[str, str]]:
    return [(entity.kind, entity.value) for entity in extract_entities(text)]


def addresses(text: str) -> list[tuple[str, str]]:
    return [pair for pair in kinds_and_values(text) if "address" in pair[0]]


# --- Codecs ------------------------------------------------------------------------------------


def test_base58_round_trip_keeps_leading_zero_bytes() -> None:
    data = bytes.fromhex("00000102fffe")
    assert b58encode(data) == "11" + b58encode(data[2:])
    assert b58decode(b58encode(data)) == data
    assert b58decode(b58encode(data, RIPPLE_ALPHABET), RIPPLE_ALPHABET) == data


def test_base58check_payload_of_the_genesis_address() -> None:
    payload = b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert payload.hex() == "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18"
    assert b58check_encode(payload) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


def test_base58check_rejects_a_broken_checksum() -> None:
    with pytest.raises(ValueError, match="checksum"):
        b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    with pytest.raises(ValueError, match="not a base58 character"):
        b58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0")


def test_keccak256_is_ethereum_keccak_not_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


def test_eip55_checksum_of_a_lowercase_address() -> None:
    assert eip55_checksum("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    )


# BIP173 and BIP350 valid segwit addresses with their witness version and program.
SEGWIT_VECTORS = [
    (
        "bc",
        "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
        0,
        "751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    (
        "tb",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        0,
        "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    ("bc", "BC1SW50QGDZ25J", 16, "751e"),
    ("bc", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", 2, "751e76e8199196d454941c45d1b3a323"),
    (
        "bc",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        1,
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]


@pytest.mark.parametrize(("hrp", "address", "version", "program"), SEGWIT_VECTORS)
def test_segwit_vectors_decode_and_encode(
    hrp: str, address: str, version: int, program: str
) -> None:
    assert decode_segwit_address(hrp, address) == (version, bytes.fromhex(program))
    assert encode_segwit_address(hrp, version, bytes.fromhex(program)) == address.lower()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        # BIP350 invalid vectors
        ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "human-readable"),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            "version 1 requires bech32m",
        ),
        (
            "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
            "version 2 requires bech32m",
        ),
        (
            "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
            "version 16 requires bech32m",
        ),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "version 0 requires bech32"),
        (
            "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
            "version 0 requires bech32",
        ),
        ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "not a bech32"),
        ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "above 16"),
        ("bc1pw5dgrnzv", "2 to 40 bytes"),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
            "2 to 40 bytes",
        ),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "20 or 32 bytes"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mix upper and lower"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "padding"),
        ("bc1gmk9yu", "missing witness version"),
        # one character changed
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "checksum mismatch"),
    ],
)
def test_segwit_invalid_vectors_are_rejected(address: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_segwit_address("bc" if address.lower().startswith("bc") else "tb", address)


# --- Addresses in messages ---------------------------------------------------------------------

VALID_ADDRESSES = [
    # Bitcoin: genesis coinbase, Bitcoin wiki P2SH example, BIP173/BIP350 vectors, P2WPKH
    ("address:btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    ("address:btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
    ("address:btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ("address:btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("address:btc", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"),
    ("address:btc", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
    (
        "address:btc",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    ),
    ("address:btc-testnet", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"),
    # EVM: EIP-55 test vectors, USDT contract, all-caps and all-lowercase (unchecksummed)
    ("address:evm", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    ("address:evm", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"),
    ("address:evm", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"),
    ("address:evm", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"),
    ("address:evm", "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
    ("address:evm", "0x52908400098527886E0F7030069857D2E4169EE7"),
    ("address:evm", "0x8617E340B3D01FA5F11F306F4090FD50E238070D"),
    ("address:evm", "0xde709f2102306220921060314715629080e2fb77"),
    ("address:evm", "0x27b1fdb04752bbc536007a920d24acb045561c26"),
    # TRON: USDT contract and other mainnet accounts
    ("address:tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    ("address:tron", "TNDzfERDpxLDS2w1q6yaFC7pzqaSQ3Bg3r"),
    ("address:tron", "TFEkshkSXo8yMe8vcA6P77XmiLfstNWHyT"),
    # XRP: genesis account, ACCOUNT_ZERO, ACCOUNT_ONE
    ("address:xrp", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"),
    ("address:xrp", "rrrrrrrrrrrrrrrrrrrrrhoLvTp"),
    ("address:xrp", "rrrrrrrrrrrrrrrrrrrrBZbvji"),
    # Litecoin: L (P2PKH), M (P2SH), ltc1 (P2WPKH, P2WSH)
    ("address:ltc", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9"),
    ("address:ltc", "LTpYZG19YmfvY2bBDYtCKpunVRw7nVgRHW"),
    ("address:ltc", "Lb6wDP2kHGyWC7vrZuZAgV7V4ECyDdH7a6"),
    ("address:ltc", "M7uWktm4AttpT71jJco9LVZcTnCT77yGzp"),
    ("address:ltc", "MQMcJhpWHYVeQArcZR3sBgyPZxxRtnH441"),
    ("address:ltc", "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea"),
    ("address:ltc", "ltc1qhxka8d59lylj76rpsflhagp76nvckggd8x0tt7jtnphpkmfv3snsk6suq0"),
    # Dogecoin: D (P2PKH), A and 9 (P2SH)
    ("address:doge", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"),
    ("address:doge", "DFundmtrigzA6E25Swr2pRe4Eb79bGP8G1"),
    ("address:doge", "DEa7damK8MsbdCJztidBasZKVsDLJifWfE"),
    ("address:doge", "ADNbM5fBujCRBW1vqezNeAWmnsLp19ki3n"),
    ("address:doge", "9tp7THhBG3fNNFka1AJm95DU3E4x3pwQA3"),
    ("address:doge", "9xqCpm3DpUYSzcoQSPb5SEGDwn9NRqwZnH"),
    # Solana: wrapped SOL mint, SPL token program, USDC mint, USDT mint
    ("address:sol", "So11111111111111111111111111111111111111112"),
    ("address:sol", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
    ("address:sol", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
    ("address:sol", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"),
]


def reported(address: str) -> str:
    """Bech32 is case-insensitive and reported in lower case; other formats as written."""
    return address.lower() if address.lower().startswith(("bc1", "tb1", "ltc1")) else address


@pytest.mark.parametrize(("kind", "address"), VALID_ADDRESSES)
def test_valid_address_in_an_english_sentence(kind: str, address: str) -> None:
    text = f"Hi, please check my deposit to address {address}, thanks!"
    assert kinds_and_values(text) == [(kind, reported(address))]


@pytest.mark.parametrize(("kind", "address"), VALID_ADDRESSES)
def test_valid_address_against_chinese_characters(kind: str, address: str) -> None:
    assert kinds_and_values(f"我的钱包地址{address}到现在还没到账") == [(kind, reported(address))]


def test_bech32_address_written_in_capitals_is_reported_lowercase() -> None:
    assert kinds_and_values("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 is my address") == [
        ("address:btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    ]


INVALID_ADDRESSES = [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u",
    "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTj",
    "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH8",
    "M7uWktm4AttpT71jJco9LVZcTnCT77yGzq",
    "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfec",
    "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7M",
    "ADNbM5fBujCRBW1vqezNeAWmnsLp19ki3o",
]


@pytest.mark.parametrize("address", INVALID_ADDRESSES)
def test_address_with_a_broken_checksum_is_not_an_address(address: str) -> None:
    assert kinds_and_values(f"Please send it to address {address} asap") == []


def _next_char(alphabet: str, char: str) -> str:
    return alphabet[(alphabet.index(char) + 1) % len(alphabet)]


CHECKSUMMED_BASE58 = [
    (address, RIPPLE_ALPHABET if kind == "address:xrp" else BITCOIN_ALPHABET)
    for kind, address in VALID_ADDRESSES
    if kind in ("address:btc", "address:tron", "address:xrp", "address:ltc", "address:doge")
    and address[:3] not in ("bc1", "ltc")
]


@pytest.mark.parametrize(("address", "alphabet"), CHECKSUMMED_BASE58)
def test_every_single_character_change_breaks_a_base58check_address(
    address: str, alphabet: str
) -> None:
    for position, char in enumerate(address):
        changed = address[:position] + _next_char(alphabet, char) + address[position + 1 :]
        assert addresses(f"wallet address: {changed}") == [], changed


SEGWIT_ADDRESSES = [address for _, address in VALID_ADDRESSES if address[:3] in ("bc1", "ltc")]


@pytest.mark.parametrize("address", SEGWIT_ADDRESSES)
def test_every_single_character_change_breaks_a_bech32_address(address: str) -> None:
    data_start = address.rfind("1") + 1
    for position in range(data_start, len(address)):
        changed = (
            address[:position]
            + _next_char(BECH32_CHARSET, address[position])
            + address[position + 1 :]
        )
        assert addresses(f"my address {changed}") == [], changed


# --- EVM checksums -----------------------------------------------------------------------------


def test_mixed_case_evm_address_with_a_wrong_checksum_is_reported_as_invalid() -> None:
    text = "Withdraw to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD please"
    assert extract_entities(text) == [
        Entity("invalid_address:evm", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    ]


@pytest.mark.parametrize(
    "address",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xdAC17F958D2ee523a2206206994597C13D831ec7",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_every_case_flip_breaks_an_eip55_checksum(address: str) -> None:
    for position in range(2, len(address)):
        char = address[position]
        if not char.isalpha():
            continue
        flipped = address[:position] + char.swapcase() + address[position + 1 :]
        assert kinds_and_values(flipped) == [("invalid_address:evm", flipped)], flipped


def test_evm_address_written_twice_in_different_case_is_reported_once() -> None:
    text = (
        "to 0xdAC17F958D2ee523a2206206994597C13D831ec7 (0xdac17f958d2ee523a2206206994597c13d831ec7)"
    )
    assert kinds_and_values(text) == [("address:evm", "0xdAC17F958D2ee523a2206206994597C13D831ec7")]


def test_hex_that_is_too_long_or_too_short_is_not_an_address() -> None:
    assert kinds_and_values("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00") == []
    assert kinds_and_values("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA") == []
    assert kinds_and_values("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") == []


# --- Solana needs context -----------------------------------------------------------------------


def test_solana_address_counts_when_the_message_mentions_solana() -> None:
    text = "Sent from Phantom to EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v on Solana"
    assert kinds_and_values(text) == [
        ("address:sol", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
    ]


def test_solana_address_counts_when_it_stands_on_its_own_line() -> None:
    text = "hello\n  Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB  \nthis one"
    assert kinds_and_values(text) == [
        ("address:sol", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
    ]
    assert kinds_and_values("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB") == [
        ("address:sol", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
    ]


def test_base58_lookalike_without_context_is_not_a_solana_address() -> None:
    assert kinds_and_values("ref Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB in the log") == []


def test_base58_word_without_digits_is_not_a_solana_address() -> None:
    text = "my wallet says ThisIsNotAnAddressButALongCamelCaseWordX"
    assert kinds_and_values(text) == []


def test_base58_string_of_the_wrong_length_is_not_a_solana_address() -> None:
    # 44 characters decoding to 33 bytes, 31 characters (too short)
    assert len(b58decode("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9z")) == 33
    assert kinds_and_values("wallet zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9z") == []
    assert kinds_and_values("wallet EPjFWdd5AufqSSqeM2qN1xzybapC8G4") == []


def test_litecoin_context_makes_a_3_address_litecoin() -> None:
    assert kinds_and_values("My LTC deposit address 3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt") == [
        ("address:ltc", "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt")
    ]
    assert kinds_and_values("BTC to 3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt, not LTC") == [
        ("address:btc", "3NJZLcZEEYBpxYEUGewU4knsQRn1WM5Fkt")
    ]


# --- Transaction hashes -------------------------------------------------------------------------


def test_evm_transaction_hash_is_lowercased() -> None:
    text = "TxHash: 0x5C504ED432CB51138BCF09AA5E8A410DD4A1E204EF84BFED1BE16DFBA1B22060"
    assert kinds_and_values(text) == [
        ("txid:evm", "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")
    ]


def test_bare_64_hex_is_a_txid() -> None:
    genesis_coinbase = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    assert kinds_and_values(f"txid:{genesis_coinbase}。请查一下") == [("txid", genesis_coinbase)]


def test_hex_of_other_lengths_is_not_a_txid() -> None:
    assert kinds_and_values("a" * 63) == []
    assert kinds_and_values("a" * 65) == []
    assert kinds_and_values("0x" + "a" * 63) == []


def test_hash_in_an_explorer_link_is_found() -> None:
    text = (
        "https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
    )
    assert kinds_and_values(text) == [
        ("txid:evm", "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060")
    ]


# --- Amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "amount"),
    [
        ("I sent 150 USDT yesterday", "150 USDT", Decimal("150")),
        ("I sent 150USDT yesterday", "150 USDT", Decimal("150")),
        ("deposit of 1,234.56 USDC", "1234.56 USDC", Decimal("1234.56")),
        ("deposit of 1,234,567 TRX", "1234567 TRX", Decimal("1234567")),
        ("withdrew 0.00012345 btc", "0.00012345 BTC", Decimal("0.00012345")),
        ("fee was 0.5 eth", "0.5 ETH", Decimal("0.5")),
        ("balance 150.00 USDT", "150.00 USDT", Decimal("150.00")),
        ("USDT 150 is missing", "150 USDT", Decimal("150")),
        ("BTC: 0.25 missing", "0.25 BTC", Decimal("0.25")),
        ("got 2 bitcoins", "2 BTC", Decimal("2")),
        ("sold 1.5k usdt", "1500 USDT", Decimal("1500")),
        ("moved 2M SHIB", "2000000 SHIB", Decimal("2000000")),
        ("1000 个 USDT 没到账", "1000 USDT", Decimal("1000")),
        ("转了0.5个BTC", "0.5 BTC", Decimal("0.5")),
        ("充值500U一直没到", "500 USDT", Decimal("500")),
        ("转了 200 u 过去", "200 USDT", Decimal("200")),
        ("提了10万U", "100000 USDT", Decimal("100000")),
        ("1.5万 USDT", "15000 USDT", Decimal("15000")),
        ("买了2枚比特币", "2 BTC", Decimal("2")),
        ("3個以太幣", "3 ETH", Decimal("3")),
        ("充了100泰达币", "100 USDT", Decimal("100")),
        ("staked 10 TON", "10 TON", Decimal("10")),
        ("bridged 25 MATIC and", "25 MATIC", Decimal("25")),
        ("swap 3 FDUSD now", "3 FDUSD", Decimal("3")),
    ],
)
def test_amount_with_asset(text: str, value: str, amount: Decimal) -> None:
    assert extract_entities(text) == [Entity("amount", value, amount=amount)]


def test_amounts_are_decimal_not_float() -> None:
    (entity,) = extract_entities("sent 0.1 ETH")
    assert type(entity.amount) is Decimal
    assert entity.amount == Decimal("0.1")


@pytest.mark.parametrize(
    "text",
    [
        "USDT on ERC20 network",
        "sent on BEP-20 USDT",
        "TRC 20 USDT",
        "the 10 ton truck",
        "open 2 link in browser",
        "it took 5 units",
        "paid 1,23 USDT",
        "version 2 point",
        "USDT and BTC prices",
        "my USDT 3 days ago",
        "USDT 2小时前",
    ],
)
def test_numbers_that_are_not_amounts(text: str) -> None:
    assert [e for e in extract_entities(text) if e.kind == "amount"] == []


def test_several_amounts_keep_their_order() -> None:
    assert kinds_and_values("swap 100 USDT for 0.0015 BTC, then 2 ETH") == [
        ("amount", "100 USDT"),
        ("amount", "0.0015 BTC"),
        ("amount", "2 ETH"),
    ]


# --- Order and withdrawal ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("my order #123456789 is stuck", "order_id", "123456789"),
        ("Order ID: 2024051200012345", "order_id", "2024051200012345"),
        ("order no. A1B2C3D4 failed", "order_id", "A1B2C3D4"),
        ("order number is 98765432", "order_id", "98765432"),
        ("order 123456789 pending", "order_id", "123456789"),
        ("订单号 123456789 一直没处理", "order_id", "123456789"),
        ("订单号：2024051200012345", "order_id", "2024051200012345"),
        ("訂單編號：P2P-20240512-7788", "order_id", "P2P-20240512-7788"),
        ("withdrawal ID W123456789 still pending", "withdrawal_id", "W123456789"),
        ("Withdrawal #88990011", "withdrawal_id", "88990011"),
        ("提币单号：W20240512001", "withdrawal_id", "W20240512001"),
        ("提幣編號 99887766", "withdrawal_id", "99887766"),
        ("提币订单号是1234567", "withdrawal_id", "1234567"),
    ],
)
def test_order_and_withdrawal_ids(text: str, kind: str, value: str) -> None:
    assert kinds_and_values(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "I want to order more",
        "order id: pending",
        "withdrawal of my funds",
        "order 12345",
        "订单号是多少",
        "border 123456789",
        "withdrawal 12345678 failed",
    ],
)
def test_words_that_are_not_ids(text: str) -> None:
    assert [e for e in extract_entities(text) if e.kind.endswith("_id")] == []


# --- Emails and phones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mail me at alice.smith+support@Example.COM.", "alice.smith+support@example.com"),
        ("邮箱13800138000@qq.com谢谢", "13800138000@qq.com"),
        ("<bob_99@mail.exchange.co.uk>", "bob_99@mail.exchange.co.uk"),
    ],
)
def test_emails(text: str, value: str) -> None:
    assert kinds_and_values(text) == [("email", value)]


def test_not_an_email() -> None:
    assert kinds_and_values("ping @alice or user@localhost") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call +86 138 0013 8000", "+8613800138000"),
        ("call +8613800138000", "+8613800138000"),
        ("phone: +1 (415) 555-0100.", "+14155550100"),
        ("+44 20 7946 0958 office", "+442079460958"),
        ("手机13800138000", "+8613800138000"),
        ("手机 139-1234-5678", "+8613912345678"),
        ("tel 186 1234 5678", "+8618612345678"),
    ],
)
def test_phones(text: str, value: str) -> None:
    assert kinds_and_values(text) == [("phone", value)]


@pytest.mark.parametrize(
    "text",
    ["uid 12800138000", "ts 1380013800012", "+12 34", "call 2138001380000"],
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert [e for e in extract_entities(text) if e.kind == "phone"] == []


def test_bare_order_number_yields_to_an_amount_or_a_phone() -> None:
    assert kinds_and_values("order 1000000 SHIB") == [("amount", "1000000 SHIB")]
    assert kinds_and_values("order 13800138000") == [("phone", "+8613800138000")]
    assert kinds_and_values("order #13800138000") == [("order_id", "13800138000")]


def test_many_entities_in_a_long_message() -> None:
    text = " ".join(f"{n} USDT" for n in range(1, 5001))
    found = extract_entities(text)
    assert len(found) == 5000
    assert found[-1] == Entity("amount", "5000 USDT", amount=Decimal(5000))


def test_phone_does_not_swallow_a_following_amount() -> None:
    assert kinds_and_values("+1 415 555 0100 20 USDT") == [
        ("phone", "+14155550100"),
        ("amount", "20 USDT"),
    ]


# --- Mixed messages ------------------------------------------------------------------------------


def test_english_message_with_everything() -> None:
    text = (
        "Hi, my withdrawal ID W20240512001 of 1,250.50 USDT to "
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t has not arrived. Order #987654321. "
        "Also 0.01 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, txid "
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b. "
        "Reach me at trader@example.com or +1 (415) 555-0100."
    )
    assert extract_entities(text) == [
        Entity("withdrawal_id", "W20240512001"),
        Entity("amount", "1250.50 USDT", amount=Decimal("1250.50")),
        Entity("address:tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
        Entity("order_id", "987654321"),
        Entity("amount", "0.01 BTC", amount=Decimal("0.01")),
        Entity("address:btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        Entity("txid", "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
        Entity("email", "trader@example.com"),
        Entity("phone", "+14155550100"),
    ]


def test_chinese_message_with_everything() -> None:
    text = (
        "你好，我昨天提币500U到0xdAC17F958D2ee523a2206206994597C13D831ec7，"
        "提币单号：W88990011，到现在还没到账。交易哈希"
        "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060。"
        "我的手机13800138000，邮箱13800138000@qq.com。"
    )
    assert extract_entities(text) == [
        Entity("amount", "500 USDT", amount=Decimal("500")),
        Entity("address:evm", "0xdAC17F958D2ee523a2206206994597C13D831ec7"),
        Entity("withdrawal_id", "W88990011"),
        Entity("txid:evm", "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"),
        Entity("phone", "+8613800138000"),
        Entity("email", "13800138000@qq.com"),
    ]


def test_traditional_chinese_message() -> None:
    text = "訂單編號 20240512778899，轉了0.5個BTC到1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    assert extract_entities(text) == [
        Entity("order_id", "20240512778899"),
        Entity("amount", "0.5 BTC", amount=Decimal("0.5")),
        Entity("address:btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    ]


def test_repeated_entities_are_reported_once_in_first_position() -> None:
    text = (
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 100 USDT; again: "
        "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 100 USDT, 5 TRX"
    )
    assert kinds_and_values(text) == [
        ("address:tron", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
        ("amount", "100 USDT"),
        ("amount", "5 TRX"),
    ]


def test_message_without_entities() -> None:
    assert extract_entities("I cannot log in, the app says my password is wrong.") == []
    assert extract_entities("") == []
