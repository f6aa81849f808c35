"""Tables of the kb app: the help center's categories, sections and articles, their
translations and version history, the search index, votes and search analytics."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Agent


class Language(models.TextChoices):
    EN = "en", "English"
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"


class Category(models.Model):
    """A top-level topic of the help center. Titles and descriptions are per language
    (``{"en": ..., "zh-hans": ..., "zh-hant": ...}``)."""

    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0)
    titles = models.JSONField(default=dict)
    descriptions = models.JSONField(default=dict)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.slug

    def title(self, lang: str) -> str:
        return str(self.titles.get(lang) or self.titles.get("en") or self.slug)

    def description(self, lang: str) -> str:
        return str(self.descriptions.get(lang) or self.descriptions.get("en") or "")


class Section(models.Model):
    """A group of articles inside a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    position = models.PositiveIntegerField(default=0)
    titles = models.JSONField(default=dict)

    class Meta:
        ordering = ["category__position", "position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="kb_section_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.category.slug}/{self.slug}"

    def title(self, lang: str) -> str:
        return str(self.titles.get(lang) or self.titles.get("en") or self.slug)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (agents only)")


class Article(models.Model):
    """One article as a translation group: the slug (the English one) and the place in the
    help center are shared by all its translations. Internal articles are for agents only and
    never appear on the public site, its search or the public API."""

    slug = models.SlugField(max_length=120, unique=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Translation(models.Model):
    """The article in one language. ``title``/``summary``/``tags``/``body`` are the working
    copy (the latest version); the public site shows ``published_version``, which may be older
    (a draft in progress) or absent (never published / unpublished).

    ``machine_converted`` marks a zh-Hant (or zh-Hans) text generated with OpenCC from the other
    script; it is regenerated when its source changes and replaced by a human translation.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    lang = models.CharField(max_length=10, choices=Language.choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    tags = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    machine_converted = models.BooleanField(default=False)
    published_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article__slug", "lang"]
        constraints = [
            models.UniqueConstraint(fields=["article", "lang"], name="kb_translation_unique_lang")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} [{self.lang}]"


class ArticleVersion(models.Model):
    """One saved state of a translation; never changed afterwards. Restoring an old version
    writes a new version with its content."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    tags = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    author = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)
    machine_converted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "number"], name="kb_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.translation} v{self.number}"


def attachment_path(instance: ArticleAttachment, filename: str) -> str:
    return f"kb/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class ArticleAttachment(models.Model):
    """An image or file uploaded for an article, stored under its SHA-256 (never the
    uploader's file name) and served through the help center with the article's visibility."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    extension = models.CharField(max_length=10)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    uploaded_by = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SearchDocument(models.Model):
    """What the search index holds for one published translation: its analyzed terms, its
    embedding (float32 bytes) and the text used for snippets. Every process builds its
    in-memory index from these rows, so none of them needs to re-analyze or re-embed."""

    translation = models.OneToOneField(
        Translation, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    lang = models.CharField(max_length=10, choices=Language.choices)
    article_slug = models.SlugField(max_length=120)
    public = models.BooleanField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    terms = models.TextField()  # space-separated
    embedding = models.BinaryField(null=True)
    encoder = models.CharField(max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["lang"], name="kb_searchdoc_lang")]

    def __str__(self) -> str:
        return f"{self.article_slug} [{self.lang}]"


class IndexState(models.Model):
    """A single row whose ``version`` grows with every change to the search documents; each
    process compares it with the version of its in-memory index."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"index v{self.version}"


class SearchSource(models.TextChoices):
    HELP_CENTER = "help", "Help center"
    API = "api", "API"
    CONSOLE = "console", "Console"
    SUGGESTION = "suggest", "Request form suggestions"
    CLI = "cli", "Command line"


class SearchQuery(models.Model):
    """One search, for analytics: what was asked, how many results, how good the best one
    looked, and which result (if any) was opened."""

    query = models.CharField(max_length=300)
    normalised = models.CharField(max_length=300, db_index=True)
    lang = models.CharField(max_length=10, choices=Language.choices)
    source = models.CharField(max_length=10, choices=SearchSource.choices)
    results = models.PositiveIntegerField()
    top_score = models.FloatField(null=True)
    poor = models.BooleanField(default=False)
    clicked = models.ForeignKey(
        Translation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.query


class Vote(models.Model):
    """A "Was this helpful?" answer; one per translation and browser session."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="votes")
    session_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation", "session_key"], name="kb_vote_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.translation} {'+' if self.helpful else '-'}"


class SuggestionEvent(models.Model):
    """What happened to the articles suggested while a customer wrote a request: shown,
    opened, and whether the request was submitted. A request form (identified by its form key)
    with an opened suggestion and no submission is a deflection."""

    class Kind(models.TextChoices):
        SHOWN = "shown", "Shown"
        OPENED = "opened", "Opened"
        SUBMITTED = "submitted", "Submitted"

    form_key = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    translation = models.ForeignKey(
        Translation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_key", "kind", "translation"], name="kb_suggestion_event_once"
            ),
            models.UniqueConstraint(
                fields=["form_key", "kind"],
                condition=models.Q(translation__isnull=True),
                name="kb_suggestion_event_once_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form_key} {self.kind}"
