"""The demo help center: the articles shipped in ``kb/content`` (English, Simplified Chinese and
some Traditional Chinese; the rest of Traditional Chinese is converted with OpenCC), imported
through the same action as ``cryptodesk kb import`` and indexed once at the end."""

from __future__ import annotations

from pathlib import Path

from cryptodesk.kb.actions import (
    ImportReport,
    do_import_directory,
    do_reindex_all,
    indexing_deferred,
)
from cryptodesk.kb.search import ENCODER_NAME, encode_texts

CONTENT = Path(__file__).resolve().parent / "content"


def load_help_center(directory: Path = CONTENT) -> ImportReport:
    with indexing_deferred():
        report = do_import_directory(directory)
    do_reindex_all(encode_texts, ENCODER_NAME)
    return report
