"""Background jobs of the kb app. Each is idempotent: a retry does no harm."""

from __future__ import annotations

from django_tasks import task


@task()
def index_article(article_id: int) -> int:
    """Rebuild the search documents of one article after it was published, changed or
    unpublished; returns how many documents it now has."""
    from cryptodesk.kb.actions import do_index_article
    from cryptodesk.kb.search import ENCODER_NAME, encode_texts

    return do_index_article(article_id, encode_texts, ENCODER_NAME)
