"""Console pages of the knowledge base: the article list with search (internal articles
included), the editor (Markdown with preview, drafts and publishing, translations, attachments),
version history with diffs and restore, and the search analytics with the content-gap report.
Every agent may read; writing needs the ``kb_editor`` role or above."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cryptodesk.accounts.models import Agent, Role
from cryptodesk.core.errors import CryptodeskError, NotFound
from cryptodesk.core.ids import parse_id
from cryptodesk.kb.actions import (
    MAX_ATTACHMENT_BYTES,
    check_create_article,
    check_editor,
    check_publish,
    check_restore_version,
    check_save_translation,
    check_unpublish,
    check_update_article,
    check_upload_attachment,
)
from cryptodesk.kb.models import Article, SearchSource, Section, Translation, Visibility
from cryptodesk.kb.queries import (
    access_article_by_slug,
    access_translation,
    console_articles,
    content_gaps,
    search_stats,
)
from cryptodesk.kb.search import search_articles
from cryptodesk.kb.text import (
    LANGUAGE_LABELS,
    LANGUAGE_NAMES,
    LANGUAGES,
    normalise_language,
    render_markdown,
)
from cryptodesk.web.auth import console_view


def _agent(request: HttpRequest) -> Agent:
    return request.agent  # type: ignore[attr-defined,no-any-return]


def _lang(value: str | None) -> str:
    try:
        return normalise_language(value) or "en"
    except ValueError:
        return "en"


def _known_lang_or_404(value: str | None) -> str:
    """The language a write is for: an unknown one must not fall back to English."""
    try:
        code = normalise_language(value)
    except ValueError:
        code = None
    if code is None:
        raise Http404(_("Unknown language."))
    return code


def _base(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "nav_section": "kb",
        "can_edit": _agent(request).has_role(Role.KB_EDITOR),
        "language_names": LANGUAGE_NAMES,
    } | extra


@require_GET
@console_view
def article_list(request: HttpRequest) -> HttpResponseBase:
    agent = _agent(request)
    query = request.GET.get("q", "").strip()[:300]
    results = []
    if query:
        results = search_articles(
            query,
            _lang(request.GET.get("lang")) if request.GET.get("lang") else None,
            limit=20,
            include_internal=True,
            source=SearchSource.CONSOLE,
        ).results
    articles = console_articles(agent)
    return render(
        request,
        "kb/console/list.html",
        _base(request, articles=articles, query=query, results=results,
              lang=request.GET.get("lang", "")),
    )  # fmt: skip


def _section(raw: str) -> Section | None:
    section_id = parse_id(raw or "")
    return None if section_id is None else Section.objects.filter(pk=section_id).first()


def _sections() -> list[Section]:
    return list(Section.objects.select_related("category"))


@require_http_methods(["GET", "POST"])
@console_view
def article_new(request: HttpRequest) -> HttpResponseBase:
    agent = _agent(request)
    if not agent.has_role(Role.KB_EDITOR):
        return render(request, "kb/console/denied.html", _base(request), status=403)
    values = {"slug": "", "section": "", "visibility": Visibility.PUBLIC, "lang": "en",
              "title": "", "summary": "", "tags": "", "body": ""}  # fmt: skip
    status = 200
    if request.method == "POST":
        values |= {key: request.POST.get(key, "") for key in values}
        try:
            section = _section(values["section"])
            if section is None:
                raise CryptodeskError(_("Choose a section."), field="section")
            lang = _lang(values["lang"])
            article = check_create_article(
                agent,
                slug=values["slug"],
                section=section,
                visibility=values["visibility"],
                lang=lang,
                title=values["title"],
                summary=values["summary"],
                tags=values["tags"],
                body=values["body"],
                publish=request.POST.get("publish") == "1",
            )
        except CryptodeskError as error:
            flash.error(request, error.message)
            status = 400
        else:
            flash.success(request, _("Article created."))
            return redirect(_article_url(article.slug, lang))
    return render(
        request,
        "kb/console/new.html",
        _base(request, values=values, sections=_sections(), visibilities=Visibility.choices),
        status=status,
    )


def _article_url(slug: str, lang: str) -> str:
    return reverse("kb:article", kwargs={"slug": slug}) + f"?lang={lang}"


def _load(request: HttpRequest, slug: str) -> Article:
    try:
        return access_article_by_slug(_agent(request), slug)
    except NotFound as error:
        raise Http404(error.message) from error


@require_http_methods(["GET", "POST"])
@console_view
def article_edit(request: HttpRequest, slug: str) -> HttpResponseBase:
    agent = _agent(request)
    article = _load(request, slug)
    raw_lang = request.GET.get("lang") or request.POST.get("lang")
    lang = _known_lang_or_404(raw_lang) if request.method == "POST" else _lang(raw_lang)
    translation = access_translation(agent, article, lang)
    status = 200
    values = {
        "title": translation.title if translation else "",
        "summary": translation.summary if translation else "",
        "tags": translation.tags if translation else "",
        "body": translation.body if translation else "",
    }
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        publish = request.POST.get("publish") == "1"
        try:
            check_save_translation(agent, article, lang, publish=publish, **values)
        except CryptodeskError as error:
            flash.error(request, error.message)
            status = error.status
        else:
            flash.success(request, _("Published.") if publish else _("Draft saved."))
            return redirect(_article_url(slug, lang))
    translations = {t.lang: t for t in article.translations.all()}
    versions = list(translation.versions.select_related("author")[:30]) if translation else []
    published = translation.published_version if translation else None
    context = _base(
        request,
        article=article,
        lang=lang,
        lang_label=LANGUAGE_LABELS[lang],
        translation=translation,
        translations=[(code, LANGUAGE_NAMES[code], translations.get(code)) for code in LANGUAGES],
        values=values,
        versions=versions,
        published=published,
        has_draft=bool(translation and versions and published and versions[0].pk != published.pk),
        published_html=render_markdown(published.body) if published else "",
        preview_html=render_markdown(values["body"]) if values["body"] else "",
        attachments=list(article.attachments.all()[:20]),
        sections=_sections(),
        visibilities=Visibility.choices,
        public_url=(
            reverse("help:article", kwargs={"lang": lang, "slug": slug})
            if published and article.is_public else ""
        ),
    )  # fmt: skip
    return render(request, "kb/console/article.html", context, status=status)


def _translation_or_404(request: HttpRequest, slug: str, lang: str) -> Translation:
    article = _load(request, slug)
    translation = access_translation(_agent(request), article, _known_lang_or_404(lang))
    if translation is None:
        raise Http404(_("This article has no translation in this language."))
    return translation


def _run(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, success)


@require_POST
@console_view
def publish(request: HttpRequest, slug: str, lang: str) -> HttpResponseBase:
    translation = _translation_or_404(request, slug, lang)
    _run(request, lambda: check_publish(_agent(request), translation), _("Published."))
    return redirect(_article_url(slug, translation.lang))


@require_POST
@console_view
def unpublish(request: HttpRequest, slug: str, lang: str) -> HttpResponseBase:
    translation = _translation_or_404(request, slug, lang)
    _run(
        request,
        lambda: check_unpublish(_agent(request), translation),
        _("Unpublished: the article is no longer on the help center in this language."),
    )
    return redirect(_article_url(slug, translation.lang))


@require_POST
@console_view
def settings_update(request: HttpRequest, slug: str) -> HttpResponseBase:
    article = _load(request, slug)
    section = _section(request.POST.get("section", ""))
    lang = _lang(request.POST.get("lang"))
    if section is None:
        flash.error(request, _("Choose a section."))
        return redirect(_article_url(slug, lang))
    _run(
        request,
        lambda: check_update_article(
            _agent(request), article, section=section,
            visibility=request.POST.get("visibility", ""),
        ),
        _("Article settings saved."),
    )  # fmt: skip
    return redirect(_article_url(slug, lang))


@require_POST
@console_view
def upload(request: HttpRequest, slug: str) -> HttpResponseBase:
    article = _load(request, slug)
    lang = _lang(request.POST.get("lang"))
    upload = request.FILES.get("file")
    if upload is None:
        flash.error(request, _("Choose a file to upload."))
        return redirect(_article_url(slug, lang))
    try:
        attachment = check_upload_attachment(
            _agent(request),
            article,
            name=upload.name or "file",
            # One byte past the limit is enough to refuse it; never hold a huge file in memory.
            content=upload.read(MAX_ATTACHMENT_BYTES + 1),
        )
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        url = reverse("help:attachment", kwargs={"pk": attachment.pk, "name": attachment.name})
        flash.success(
            request,
            _("Uploaded. Paste this into the article: %(markdown)s")
            % {"markdown": f"![{attachment.name}]({url})"},
        )
    return redirect(_article_url(slug, lang))


@require_POST
@console_view
def preview(request: HttpRequest) -> HttpResponse:
    """The rendered Markdown of the editor's text (htmx)."""
    body = request.POST.get("body", "")[:100_000]
    return HttpResponse(render_markdown(body) or "")


def _diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
        lines.append((kind, line))
    return lines


@require_GET
@console_view
def version_diff(request: HttpRequest, slug: str, lang: str, number: int) -> HttpResponseBase:
    translation = _translation_or_404(request, slug, lang)
    version = translation.versions.select_related("author").filter(number=number).first()
    if version is None:
        raise Http404(_("This version does not exist."))
    previous = translation.versions.filter(number__lt=number).order_by("-number").first()

    def text(v: Any) -> str:
        return "" if v is None else f"# {v.title}\n\n{v.summary}\n\n{v.tags}\n\n{v.body}"

    return render(
        request,
        "kb/console/diff.html",
        _base(
            request,
            article=translation.article,
            translation=translation,
            lang=translation.lang,
            version=version,
            previous=previous,
            diff=_diff_lines(text(previous), text(version)),
        ),
    )


@require_POST
@console_view
def version_restore(request: HttpRequest, slug: str, lang: str, number: int) -> HttpResponseBase:
    translation = _translation_or_404(request, slug, lang)
    _run(
        request,
        lambda: check_restore_version(_agent(request), translation, number),
        _("Version %(number)s restored as a new draft.") % {"number": number},
    )
    return redirect(_article_url(slug, translation.lang))


@require_GET
@console_view
def analytics(request: HttpRequest) -> HttpResponseBase:
    try:
        check_editor(_agent(request))
    except CryptodeskError:
        return render(request, "kb/console/denied.html", _base(request), status=403)
    return render(
        request,
        "kb/console/analytics.html",
        _base(request, gaps=content_gaps(days=30), stats=search_stats(days=30)),
    )
