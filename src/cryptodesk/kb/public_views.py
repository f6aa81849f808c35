"""The public help center under /help/<lang>/: home with search, categories, articles with
"Was this helpful?", search results, the sitemap, attachments, and the suggestions shown while a
customer writes a request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap
from django.core.signing import BadSignature, Signer
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation as i18n
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cryptodesk.accounts.queries import agent_for_request
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import parse_id
from cryptodesk.core.ratelimit import within_limit
from cryptodesk.kb.actions import (
    do_count_view,
    do_record_click,
    do_record_suggestion_event,
    do_record_vote,
)
from cryptodesk.kb.models import SearchSource, SuggestionEvent, Translation
from cryptodesk.kb.queries import (
    access_attachment_by_id,
    access_public_category,
    access_public_translation_by_slug,
    help_center_translations,
    help_center_tree,
    public_languages_of,
    public_translations,
    public_translations_by_id,
)
from cryptodesk.kb.search import related_articles, search_articles
from cryptodesk.kb.text import (
    LANGUAGE_LABELS,
    LANGUAGE_NAMES,
    LANGUAGES,
    detect_language,
    render_markdown,
    ui_language,
)

SUGGESTION_LIMIT = 5
# Anonymous endpoints that write: per client address and fixed window (shared through the cache
# by every process). A customer typing a long request stays far below the suggestion limit.
SUGGESTIONS_PER_WINDOW = (200, 600)
VOTES_PER_WINDOW = (30, 3600)


def within_rate_limit(request: HttpRequest, bucket: str, limit: tuple[int, int]) -> bool:
    allowed, seconds = limit
    return within_limit(
        f"kb-{bucket}:{request.META.get('REMOTE_ADDR', 'unknown')}", allowed, seconds
    )


def help_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Checks the language of the URL and renders the page's UI in it."""

    @wraps(view)
    def wrapper(request: HttpRequest, lang: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if lang not in LANGUAGES:
            raise Http404("Unknown help-center language.")
        with i18n.override(lang):
            return view(request, lang, *args, **kwargs)

    return wrapper


def _switcher(lang: str, urls: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": LANGUAGE_NAMES[code], "hreflang": LANGUAGE_LABELS[code],
         "url": urls.get(code) or reverse("help:home", kwargs={"lang": code}),
         "current": code == lang}
        for code in LANGUAGES
    ]  # fmt: skip


def _context(
    request: HttpRequest, lang: str, urls: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    urls = urls or {}
    return {
        "lang": lang,
        "html_lang": LANGUAGE_LABELS[lang],
        "languages": _switcher(lang, urls),
        "alternates": [
            {"hreflang": LANGUAGE_LABELS[code], "url": request.build_absolute_uri(url)}
            for code, url in urls.items()
        ]
        + (
            [{"hreflang": "x-default", "url": request.build_absolute_uri(urls["en"])}]
            if "en" in urls
            else []
        ),
        "canonical": request.build_absolute_uri(request.path),
        "home_url": reverse("help:home", kwargs={"lang": lang}),
        "search_url": reverse("help:search", kwargs={"lang": lang}),
    } | extra


def _page_urls(name: str, **kwargs: Any) -> dict[str, str]:
    return {code: reverse(f"help:{name}", kwargs={"lang": code, **kwargs}) for code in LANGUAGES}


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    return redirect("help:home", lang=ui_language())


@require_GET
@help_view
def home(request: HttpRequest, lang: str) -> HttpResponse:
    tree = help_center_tree(lang)
    popular = list(public_translations(lang).order_by("-views", "article__slug")[:6])
    return render(
        request,
        "kb/help/home.html",
        _context(request, lang, _page_urls("home"), categories=tree, popular=popular),
    )


@require_GET
@help_view
def category(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    try:
        access_public_category(slug)
    except NotFound as error:
        raise Http404(error.message) from error
    tree = help_center_tree(lang, slug)
    return render(
        request,
        "kb/help/category.html",
        _context(request, lang, _page_urls("category", slug=slug), category=tree[0]),
    )


def _session_key(request: HttpRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return str(request.session.session_key)


def _public_translation_or_404(lang: str, slug: str) -> Translation:
    try:
        return access_public_translation_by_slug(lang, slug)
    except NotFound as error:
        raise Http404(error.message) from error


@require_GET
@help_view
def article(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    translation = _public_translation_or_404(lang, slug)
    version = translation.published_version
    assert version is not None
    _record_arrival(request, translation)
    do_count_view(translation)
    section = translation.article.section
    urls = {
        code: reverse("help:article", kwargs={"lang": code, "slug": slug})
        for code in public_languages_of(translation.article)
    }
    voted = request.session.get("kb_votes", {}).get(str(translation.pk))
    siblings = [
        t for t in public_translations(lang).filter(article__section=section).order_by(
            "article__position", "title"
        ) if t.pk != translation.pk
    ][:8]  # fmt: skip
    context = _context(
        request,
        lang,
        urls,
        translation=translation,
        version=version,
        body_html=render_markdown(version.body),
        category=section.category,
        category_title=section.category.title(lang),
        section_title=section.title(lang),
        related=related_articles(translation.pk, limit=5),
        siblings=siblings,
        voted=voted,
    )
    return render(request, "kb/help/article.html", context)


# Result links carry the search's id signed: ids are sequential, and an unsigned one would let
# anyone mark every logged search as clicked and so hide the content gaps.
_CLICK_SIGNER = Signer(salt="cryptodesk.kb.search-click")


def _click_token(query_id: int | None) -> str:
    return "" if query_id is None else _CLICK_SIGNER.sign(str(query_id))


def _click_query_id(token: str) -> int | None:
    try:
        return parse_id(_CLICK_SIGNER.unsign(token[:100]))
    except BadSignature:
        return None


def _record_arrival(request: HttpRequest, translation: Translation) -> None:
    """Count the click of a search result or a request-form suggestion that led here."""
    query_id = _click_query_id(request.GET.get("sq", ""))
    if query_id is not None:
        do_record_click(query_id, translation)
    form_key = request.GET.get("suggestion", "")
    if form_key:
        do_record_suggestion_event(form_key, SuggestionEvent.Kind.OPENED, translation)


@require_POST
@help_view
def vote(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    translation = _public_translation_or_404(lang, slug)
    answer = request.POST.get("helpful", "")
    target = reverse("help:article", kwargs={"lang": lang, "slug": slug}) + "#feedback"
    if answer not in ("yes", "no"):
        return HttpResponseRedirect(target)
    helpful = answer == "yes"
    votes = dict(request.session.get("kb_votes", {}))
    if str(translation.pk) not in votes:
        if not within_rate_limit(request, "votes", VOTES_PER_WINDOW):
            return HttpResponse(
                _("Too many answers from your network. Try again in an hour."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        do_record_vote(
            translation,
            session_key=_session_key(request),
            helpful=helpful,
            comment=request.POST.get("comment", ""),
        )
        votes[str(translation.pk)] = answer
        request.session["kb_votes"] = votes
    return HttpResponseRedirect(target)


@require_GET
@help_view
def search(request: HttpRequest, lang: str) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:300]
    response = search_articles(query, lang, limit=20, source=SearchSource.HELP_CENTER)
    urls = {
        code: reverse("help:search", kwargs={"lang": code})
        + (f"?{urlencode({'q': query})}" if query else "")
        for code in LANGUAGES
    }
    return render(
        request,
        "kb/help/search.html",
        _context(
            request,
            lang,
            urls,
            query=query,
            results=response.results,
            click_token=_click_token(response.query_id),
            robots="noindex",
        ),
    )


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles matching what a customer types in the request form (an HTML fragment), in the
    language of the page; each shown list is recorded for deflection reports."""
    text = " ".join(request.GET.get(name, "") for name in ("subject", "description", "q")).strip()[
        :300
    ]
    language = ui_language()
    # The articles follow what the customer writes: Chinese text gets Chinese articles (in the
    # page's script when the page is Chinese), anything else English ones.
    detected = detect_language(text)
    lang = language if detected != "en" and language.startswith("zh") else detected
    form_key = request.GET.get("form_key", "")[:64]
    results = []
    if len(text) >= 3:
        if not within_rate_limit(request, "suggest", SUGGESTIONS_PER_WINDOW):
            return HttpResponse(status=429)  # suggest.js then shows no suggestions
        response = search_articles(
            text, lang, limit=SUGGESTION_LIMIT, source=SearchSource.SUGGESTION
        )
        results = [r for r in response.results if r.score > 0]
        if form_key.strip():
            for shown in public_translations_by_id([r.id for r in results]).values():
                do_record_suggestion_event(form_key, SuggestionEvent.Kind.SHOWN, shown)
    return render(request, "kb/help/_suggestions.html", {"results": results, "form_key": form_key})


@require_GET
def attachment(request: HttpRequest, pk: int, name: str) -> FileResponse:
    try:
        item = access_attachment_by_id(pk, agent_for_request(request))
    except NotFound as error:
        raise Http404(error.message) from error
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = (
        "inline" if item.content_type.startswith("image/") else "attachment"
    ) + f'; filename="{item.sha256[:16]}{item.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class ArticleSitemap(Sitemap[Translation]):
    changefreq = "weekly"

    def items(self) -> list[Translation]:
        return list(
            help_center_translations().select_related("article").order_by("article__slug", "lang")
        )

    def location(self, item: Translation) -> str:
        return reverse("help:article", kwargs={"lang": item.lang, "slug": item.article.slug})

    def lastmod(self, item: Translation) -> Any:
        return item.published_at


class HomeSitemap(Sitemap[str]):
    changefreq = "daily"

    def items(self) -> list[str]:
        return list(LANGUAGES)

    def location(self, item: str) -> str:
        return reverse("help:home", kwargs={"lang": item})


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
}
