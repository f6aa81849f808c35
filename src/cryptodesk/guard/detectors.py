"""Find the secrets a customer must never have sent us: recovery phrases and private keys.

Pure functions over ``str``. Offsets are Python string indices into the text given.
"""

from __future__ import annotations

from typing import Final

from cryptodesk.guard.keys import (
    EXTENDED_PRIVATE_KEY,
    KEYSTORE,
    PRIVATE_KEY,
    SOLANA_SECRET_KEY,
    find_keys,
)
from cryptodesk.guard.phrases import RECOVERY_PHRASE, SUSPECTED_PHRASE, find_phrases
from cryptodesk.tickets.pipeline import Finding

# When findings overlap, their union is reported under the first kind of this order.
KINDS: Final = (
    KEYSTORE,
    EXTENDED_PRIVATE_KEY,
    PRIVATE_KEY,
    SOLANA_SECRET_KEY,
    RECOVERY_PHRASE,
    SUSPECTED_PHRASE,
)
_RANK: Final = {kind: rank for rank, kind in enumerate(KINDS)}

__all__ = [
    "EXTENDED_PRIVATE_KEY",
    "KEYSTORE",
    "KINDS",
    "PRIVATE_KEY",
    "RECOVERY_PHRASE",
    "SOLANA_SECRET_KEY",
    "SUSPECTED_PHRASE",
    "find_secrets",
]


def find_secrets(text: str) -> list[Finding]:
    """Every secret in ``text``: sorted, non-overlapping spans with their kind."""
    if not text:
        return []
    return merge_findings(find_phrases(text) + find_keys(text))


def merge_findings(findings: list[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda item: (item.start, -item.end)):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, finding.kind, key=_RANK.__getitem__)
            merged[-1] = Finding(kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged
