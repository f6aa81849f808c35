"""Reads of the help center, with the visibility rules built in: the public site sees only
published translations of public articles; agents also see internal articles; drafts and
version history are for the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from cryptodesk.accounts.models import Agent
from cryptodesk.core import clock
from cryptodesk.core.errors import NotFound
from cryptodesk.kb.models import (
    Article,
    ArticleAttachment,
    Category,
    SearchQuery,
    Section,
    SuggestionEvent,
    Translation,
    Visibility,
)


def help_center_translations() -> QuerySet[Translation]:
    """The published translations of public articles, in every language."""
    return Translation.objects.filter(
        published_version__isnull=False, article__visibility=Visibility.PUBLIC
    )


def public_translations(lang: str) -> QuerySet[Translation]:
    return (
        help_center_translations()
        .filter(lang=lang)
        .select_related("published_version", "article__section__category")
    )


def public_translations_by_id(ids: list[int]) -> dict[int, Translation]:
    return help_center_translations().in_bulk(ids)


def access_public_translation_by_slug(lang: str, slug: str) -> Translation:
    translation = public_translations(lang).filter(article__slug=slug).first()
    if translation is None:
        raise NotFound("There is no published article at this address.")
    return translation


def public_languages_of(article: Article) -> list[str]:
    return list(
        article.translations.filter(published_version__isnull=False)
        .order_by("lang")
        .values_list("lang", flat=True)
    )


@dataclass
class SectionView:
    section: Section
    title: str
    articles: list[Translation] = field(default_factory=list)


@dataclass
class CategoryView:
    category: Category
    title: str
    description: str
    sections: list[SectionView] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return sum(len(s.articles) for s in self.sections)


def help_center_tree(lang: str, category_slug: str | None = None) -> list[CategoryView]:
    """Categories > sections > published public articles of one language, in order."""
    translations = public_translations(lang).order_by("article__position", "title")
    categories = Category.objects.prefetch_related("sections")
    if category_slug is not None:
        categories = categories.filter(slug=category_slug)
    by_section: dict[int, list[Translation]] = {}
    for translation in translations:
        by_section.setdefault(translation.article.section_id, []).append(translation)
    tree = []
    for category in categories:
        view = CategoryView(category, category.title(lang), category.description(lang))
        for section in category.sections.all():
            if by_section.get(section.pk):
                view.sections.append(
                    SectionView(section, section.title(lang), by_section[section.pk])
                )
        if view.sections or category_slug is not None:
            tree.append(view)
    return tree


def access_public_category(slug: str) -> Category:
    """A category with at least one published public article (in any language): one that holds
    only internal articles or drafts is not on the help center, not even by its address."""
    category = (
        Category.objects.filter(
            slug=slug,
            sections__articles__visibility=Visibility.PUBLIC,
            sections__articles__translations__published_version__isnull=False,
        )
        .distinct()
        .first()
    )
    if category is None:
        raise NotFound("There is no such category.")
    return category


# Console --------------------------------------------------------------------------------------


def console_articles(agent: Agent) -> QuerySet[Article]:
    """Every article, internal ones included (agents answer from them)."""
    articles = Article.objects.select_related("section__category").prefetch_related(
        Prefetch("translations", queryset=Translation.objects.order_by("lang"))
    )
    return articles.order_by("section__category__position", "section__position", "slug")


def access_article_by_slug(agent: Agent, slug: str) -> Article:
    article = Article.objects.select_related("section__category").filter(slug=slug).first()
    if article is None:
        raise NotFound(f"There is no article '{slug}'.")
    return article


def access_translation(agent: Agent, article: Article, lang: str) -> Translation | None:
    return (
        Translation.objects.select_related("published_version")
        .filter(article=article, lang=lang)
        .first()
    )


def access_attachment_by_id(attachment_id: int, agent: Agent | None) -> ArticleAttachment:
    """Attachments of published public articles are public; the others need an agent."""
    attachment = (
        ArticleAttachment.objects.select_related("article").filter(pk=attachment_id).first()
    )
    if attachment is None or (agent is None and not _is_on_help_center(attachment.article)):
        raise NotFound("There is no such file.")
    return attachment


def _is_on_help_center(article: Article) -> bool:
    """A public article with at least one published translation: the files of a draft that
    was never published stay in the console, like its text."""
    return (
        article.visibility == Visibility.PUBLIC
        and article.translations.filter(published_version__isnull=False).exists()
    )


@dataclass(frozen=True)
class Gap:
    query: str
    lang: str
    searches: int
    poor: int
    clicks: int
    last_seen: object


def content_gaps(days: int = 30, limit: int = 100) -> list[Gap]:
    """Queries whose searches found nothing or nothing good, most frequent first."""
    since = clock.now() - timedelta(days=days)
    rows = (
        SearchQuery.objects.filter(created_at__gte=since)
        .values("normalised", "lang")
        .annotate(
            searches=Count("id"),
            poor_count=Count("id", filter=Q(poor=True)),
            clicks=Count("id", filter=Q(clicked__isnull=False)),
            last=Max("created_at"),
            sample=Max("query"),
        )
        .filter(poor_count__gt=0)
        .order_by("-poor_count", "-searches", "normalised")[:limit]
    )
    return [
        Gap(r["sample"], r["lang"], r["searches"], r["poor_count"], r["clicks"], r["last"])
        for r in rows
    ]


ABANDONED_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class SearchStats:
    searches: int
    with_click: int
    poor: int
    suggestion_forms: int
    opened: int
    deflections: int


def search_stats(days: int = 30) -> SearchStats:
    since = clock.now() - timedelta(days=days)
    searches = SearchQuery.objects.filter(created_at__gte=since)
    events = SuggestionEvent.objects.filter(created_at__gte=since)
    shown = set(events.filter(kind="shown").values_list("form_key", flat=True))
    opened = set(events.filter(kind="opened").values_list("form_key", flat=True))
    submitted = set(events.filter(kind="submitted").values_list("form_key", flat=True))
    # A form is abandoned once nothing happened on it for a while after the article was opened.
    settled = set(
        events.filter(kind="opened", created_at__lte=clock.now() - ABANDONED_AFTER).values_list(
            "form_key", flat=True
        )
    )
    return SearchStats(
        searches=searches.count(),
        with_click=searches.filter(clicked__isnull=False).count(),
        poor=searches.filter(poor=True).count(),
        suggestion_forms=len(shown),
        opened=len(opened),
        deflections=len(settled - submitted),
    )
