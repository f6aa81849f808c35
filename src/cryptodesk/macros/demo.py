"""Demo data of the macros app: the starter set (also loaded by the data migration; the demo's
--reset flushes the database, so the demo loads it again)."""

from __future__ import annotations

from cryptodesk.macros.actions import do_load_starter_macros


def load_demo_macros() -> int:
    return do_load_starter_macros()
