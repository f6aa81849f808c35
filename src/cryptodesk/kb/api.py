"""``GET /api/v1/kb/search``: help-center search for the public site, widgets and bots.

No token is needed (the help center is public). With a valid agent token the results may also
include internal articles when ``internal=true`` is asked for.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from cryptodesk.accounts.queries import access_token_by_secret
from cryptodesk.core.errors import PermissionDenied, ValidationFailed
from cryptodesk.kb.models import SearchSource
from cryptodesk.kb.search import MAX_LIMIT, search_articles
from cryptodesk.kb.text import normalise_language

router = Router(tags=["kb"])


class SearchResultOut(Schema):
    id: int
    title: str
    url: str
    snippet: str
    score: float
    lang: str


class SearchOut(Schema):
    results: list[SearchResultOut]


def _agent_token(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    return scheme.lower() == "bearer" and access_token_by_secret(raw.strip()) is not None


@router.get("/search", response=SearchOut, auth=None, summary="Search the help center")
def search(
    request: HttpRequest, q: str = "", lang: str = "", limit: int = 10, internal: bool = False
) -> dict[str, object]:
    """Hybrid (lexical + semantic) search of the published articles of one language
    (``en``, ``zh-Hans`` or ``zh-Hant``, any case; guessed from the query when omitted)."""
    try:
        language = normalise_language(lang)
    except ValueError as error:
        raise ValidationFailed(str(error), field="lang") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    if len(q) > 300:
        raise ValidationFailed("q must be at most 300 characters.", field="q")
    if internal and not _agent_token(request):
        raise PermissionDenied("Internal articles need an agent's API token.")
    response = search_articles(
        q, language, limit=limit, include_internal=internal, source=SearchSource.API
    )
    return {"results": [result.as_dict() for result in response.results]}
