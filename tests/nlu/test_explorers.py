"""Explorer links for addresses and transaction hashes, default and configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from cryptodesk.nlu.entities import extract_entities
from cryptodesk.nlu.explorers import explorer_url


@pytest.mark.parametrize(
    ("kind", "value", "url"),
    [
        (
            "address:btc",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "https://mempool.space/address/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ),
        (
            "address:evm",
            "0xdAC17F958D2ee523a2206206994597C13D831ec7",
            "https://etherscan.io/address/0xdAC17F958D2ee523a2206206994597C13D831ec7",
        ),
        (
            "txid:evm",
            "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
            "https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        ),
        (
            "address:tron",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "https://tronscan.org/#/address/TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        ),
        (
            "address:xrp",
            "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
            "https://xrpscan.com/account/rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
        ),
        (
            "address:sol",
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
            "https://solscan.io/account/EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        ),
        (
            "address:ltc",
            "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
            "https://blockchair.com/litecoin/address/LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9",
        ),
        (
            "address:doge",
            "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L",
            "https://blockchair.com/dogecoin/address/DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L",
        ),
        (
            "txid",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
            "https://blockchair.com/search?q=4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
    ],
)
def test_default_explorers(kind: str, value: str, url: str) -> None:
    assert explorer_url(kind, value) == url


def test_kinds_without_an_explorer() -> None:
    assert explorer_url("amount", "150 USDT") is None
    assert explorer_url("order_id", "123456789") is None
    assert explorer_url("invalid_address:evm", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") is None


def test_every_chain_entity_found_in_a_message_has_a_link() -> None:
    text = (
        "to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, "
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7, "
        "0xdAC17F958D2ee523a2206206994597C13D831ec7, TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, "
        "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh, LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9, "
        "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L, solana EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v, "
        "tx 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
    )
    entities = extract_entities(text)
    assert len(entities) == 9
    assert all(explorer_url(entity.kind, entity.value) for entity in entities)


def test_configured_explorer_replaces_a_default_and_keeps_the_others(settings: Any) -> None:
    settings.CRYPTODESK_EXPLORERS = {
        "address:evm": "https://bscscan.com/address/{value}",
        "address:doge": None,
    }
    assert explorer_url("address:evm", "0xdAC17F958D2ee523a2206206994597C13D831ec7") == (
        "https://bscscan.com/address/0xdAC17F958D2ee523a2206206994597C13D831ec7"
    )
    assert explorer_url("address:doge", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L") is None
    assert explorer_url("address:btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == (
        "https://mempool.space/address/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    )


def test_value_is_escaped_in_the_url() -> None:
    assert explorer_url("address:btc", "a/b?c") == "https://mempool.space/address/a%2Fb%3Fc"


def test_template_without_placeholder_is_a_configuration_error(settings: Any) -> None:
    settings.CRYPTODESK_EXPLORERS = {"address:btc": "https://mempool.space/address/"}
    with pytest.raises(ImproperlyConfigured, match=r"CRYPTODESK_EXPLORERS\['address:btc'\]"):
        explorer_url("address:btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
