"""Row ids from untrusted text (query strings, form fields, WebSocket streams)."""

from __future__ import annotations

# Primary keys are 64-bit; a larger number can't name a row (and overflows SQLite).
MAX_ID = 2**63 - 1


def parse_id(raw: str) -> int | None:
    """The id written in ``raw`` when it is ASCII digits naming a possible row, else None.
    (str.isdigit() accepts characters such as '²' that int() rejects.)"""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdecimal()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def is_valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID
