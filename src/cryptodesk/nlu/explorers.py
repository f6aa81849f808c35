"""Links from an entity (address or transaction hash) to a block explorer.

Templates are per entity kind with a ``{value}`` placeholder. ``settings.CRYPTODESK_EXPLORERS``
overrides the defaults kind by kind; mapping a kind to ``None`` or ``""`` removes its link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_EXPLORERS: Final[Mapping[str, str]] = {
    "address:btc": "https://mempool.space/address/{value}",
    "address:btc-testnet": "https://mempool.space/testnet/address/{value}",
    "address:evm": "https://etherscan.io/address/{value}",
    "txid:evm": "https://etherscan.io/tx/{value}",
    "address:tron": "https://tronscan.org/#/address/{value}",
    "address:xrp": "https://xrpscan.com/account/{value}",
    "address:sol": "https://solscan.io/account/{value}",
    "address:ltc": "https://blockchair.com/litecoin/address/{value}",
    "address:doge": "https://blockchair.com/dogecoin/address/{value}",
    # A bare 64-hex hash may be Bitcoin, TRON, Litecoin ...: let a multi-chain search decide.
    "txid": "https://blockchair.com/search?q={value}",
}
PLACEHOLDER: Final = "{value}"


def explorer_templates() -> dict[str, str]:
    """The defaults with the site's ``CRYPTODESK_EXPLORERS`` applied on top."""
    configured: Mapping[str, str | None] = getattr(settings, "CRYPTODESK_EXPLORERS", None) or {}
    templates = dict(DEFAULT_EXPLORERS)
    for kind, template in configured.items():
        if not template:
            templates.pop(kind, None)
        elif PLACEHOLDER not in template:
            raise ImproperlyConfigured(
                f"CRYPTODESK_EXPLORERS[{kind!r}] must contain {PLACEHOLDER} where the address "
                f"or hash goes, for example 'https://etherscan.io/address/{PLACEHOLDER}'."
            )
        else:
            templates[kind] = template
    return templates


def explorer_url(kind: str, value: str) -> str | None:
    """The explorer page for an entity, or None when its kind has no explorer (amounts, ids,
    an address that failed its checksum)."""
    template = explorer_templates().get(kind)
    if template is None or not value:
        return None
    return template.replace(PLACEHOLDER, quote(value, safe=""))
