"""Every write of the help center: categories, articles and their translations (versioned),
publishing, OpenCC conversion between the Chinese scripts, attachments, votes, search analytics,
request-form suggestions, importing Markdown files and maintaining the search index.

Writes that change what search should find enqueue ``tasks.index_article`` after commit.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import numpy as np
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from cryptodesk.accounts.models import Agent, Role
from cryptodesk.core import clock
from cryptodesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from cryptodesk.guard.redact import redact_text
from cryptodesk.kb import tasks
from cryptodesk.kb.engine import document_embedding_text, document_terms
from cryptodesk.kb.markdown_files import (
    SLUG,
    ArticleFile,
    ArticleFileError,
    find_article_files,
    read_article_file,
    read_categories,
)
from cryptodesk.kb.models import (
    Article,
    ArticleAttachment,
    ArticleVersion,
    Category,
    IndexState,
    SearchDocument,
    SearchQuery,
    Section,
    SuggestionEvent,
    Translation,
    Visibility,
    Vote,
)
from cryptodesk.kb.text import (
    LANGUAGES,
    convert_script,
    normalise,
    plain_text,
    without_control_characters,
)

MAX_BODY_CHARS = 100_000
MAX_COMMENT_CHARS = 2_000
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
# Signatures of the allowed types: an upload must be what its name says.
MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
# zh-Hans -> zh-Hant in Taiwan standard characters (no phrase substitution), and back.
CONVERSIONS = {"zh-hans": ("zh-hant", "s2tw"), "zh-hant": ("zh-hans", "tw2s")}
POOR_SIMILARITY = 0.45  # below this, a result without lexical support is a content gap


def check_editor(actor: Agent) -> None:
    if not actor.has_role(Role.KB_EDITOR):
        raise PermissionDenied("Only knowledge-base editors, supervisors and admins may do this.")


def _clean_text(value: str, field_name: str, limit: int, *, required: bool = True) -> str:
    value = without_control_characters(value or "")
    value = " ".join(value.split()) if field_name != "body" else value.strip()
    if required and not value:
        raise ValidationFailed(f"The {field_name} cannot be empty.", field=field_name)
    if len(value) > limit:
        raise ValidationFailed(
            f"The {field_name} is longer than {limit} characters.", field=field_name
        )
    return value


_batch = threading.local()


@contextmanager
def indexing_deferred() -> Iterator[None]:
    """Inside this block writes enqueue no index task: the caller (an import) rebuilds the
    index once at the end instead of once per article."""
    previous = getattr(_batch, "deferred", False)
    _batch.deferred = True
    try:
        yield
    finally:
        _batch.deferred = previous


def _index_after_commit(article_id: int) -> None:
    if getattr(_batch, "deferred", False):
        return
    transaction.on_commit(lambda: tasks.index_article.enqueue(article_id))


# Categories and articles ----------------------------------------------------------------------


def do_sync_categories(categories: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Create or update categories and their sections from ``categories.json`` data (language
    keys in any case). Returns (categories, sections)."""
    counts = [0, 0]
    with transaction.atomic():
        for data in categories:
            category, _ = Category.objects.update_or_create(
                slug=data["slug"],
                defaults={
                    "position": int(data.get("position") or 0),
                    "titles": _by_language(data.get("title")),
                    "descriptions": _by_language(data.get("description")),
                },
            )
            counts[0] += 1
            for section in data.get("sections", []):
                Section.objects.update_or_create(
                    category=category,
                    slug=section["slug"],
                    defaults={
                        "position": int(section.get("position") or 0),
                        "titles": _by_language(section.get("title")),
                    },
                )
                counts[1] += 1
    return counts[0], counts[1]


def _by_language(values: Any) -> dict[str, str]:
    if not isinstance(values, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in values.items() if str(k).lower() in LANGUAGES}


def check_create_article(
    actor: Agent,
    *,
    slug: str,
    section: Section,
    visibility: str = Visibility.PUBLIC,
    lang: str = "en",
    title: str,
    summary: str = "",
    tags: str = "",
    body: str,
    publish: bool = False,
) -> Article:
    """Create an article with its first translation, both or neither."""
    check_editor(actor)
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug) or len(slug) > 120:
        raise ValidationFailed(
            "The slug must be lowercase letters, digits and hyphens (for example 'reset-2fa').",
            field="slug",
        )
    if visibility not in Visibility.values:
        raise ValidationFailed("Visibility must be public or internal.", field="visibility")
    content = Content.clean(title, summary, tags, body)
    try:
        with transaction.atomic():
            article = Article.objects.create(slug=slug, section=section, visibility=visibility)
            do_save_translation(article, lang, content, author=actor, publish=publish)
    except IntegrityError:
        raise ValidationFailed(
            f"An article with the slug '{slug}' already exists.", field="slug"
        ) from None
    return article


def check_update_article(
    actor: Agent, article: Article, *, section: Section, visibility: str
) -> Article:
    check_editor(actor)
    if visibility not in Visibility.values:
        raise ValidationFailed("Visibility must be public or internal.", field="visibility")
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(section=section, visibility=visibility)
        _withdraw_from_search_now(article.pk)
        _index_after_commit(article.pk)
    article.refresh_from_db()
    return article


# Translations and versions --------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    title: str
    summary: str
    tags: str
    body: str

    @classmethod
    def clean(cls, title: str, summary: str, tags: str, body: str) -> Content:
        return cls(
            title=_clean_text(title, "title", 200),
            summary=_clean_text(summary, "summary", 300, required=False),
            tags=", ".join(
                t.strip() for t in without_control_characters(tags or "").split(",") if t.strip()
            )[:300],
            body=_clean_text(body, "body", MAX_BODY_CHARS),
        )

    @classmethod
    def of(cls, obj: Translation | ArticleVersion) -> Content:
        return cls(obj.title, obj.summary, obj.tags, obj.body)

    def converted(self, config: str) -> Content:
        return Content(*(convert_script(part, config) for part in (
            self.title, self.summary, self.tags, self.body
        )))  # fmt: skip


def _write_version(
    translation: Translation,
    content: Content,
    *,
    author: Agent | None,
    note: str,
    publish: bool,
    machine: bool,
) -> ArticleVersion:
    """Append a version to a locked (or new) translation and make it the working copy."""
    last = translation.versions.order_by("-number").values_list("number", flat=True).first()
    version = ArticleVersion.objects.create(
        translation=translation,
        number=(last or 0) + 1,
        title=content.title,
        summary=content.summary,
        tags=content.tags,
        body=content.body,
        author=author,
        note=note[:200],
        machine_converted=machine,
    )
    translation.title, translation.summary = content.title, content.summary
    translation.tags, translation.body = content.tags, content.body
    translation.machine_converted = machine
    if publish:
        translation.published_version = version
        translation.published_at = clock.now()
    translation.save()
    return version


def _locked_translation(article: Article, lang: str) -> Translation | None:
    return Translation.objects.select_for_update().filter(article=article, lang=lang).first()


def _locked_existing(translation: Translation) -> Translation:
    locked = _locked_translation(translation.article, translation.lang)
    if locked is None:
        raise NotFound("This translation no longer exists.")
    return locked


def do_save_translation(
    article: Article,
    lang: str,
    content: Content,
    *,
    author: Agent | None,
    publish: bool,
    note: str = "",
) -> Translation:
    """Save a human-written translation as a new version (published or as a draft) and bring
    the machine-converted other script up to date. Unchanged content writes no version."""
    if lang not in LANGUAGES:
        raise ValidationFailed("Language must be en, zh-Hans or zh-Hant.", field="lang")
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).first()
        translation = _locked_translation(article, lang)
        if translation is None:
            translation = Translation.objects.create(
                article=article, lang=lang, title=content.title, body=content.body
            )
            unchanged = False
        else:
            unchanged = Content.of(translation) == content and not translation.machine_converted
        if not unchanged:
            _write_version(
                translation, content, author=author, note=note, publish=publish, machine=False
            )
        elif publish and not _publishes_latest(translation):
            _publish_latest(translation)
        _sync_conversion(translation)
        _index_after_commit(article.pk)
    return translation


def _publishes_latest(translation: Translation) -> bool:
    latest = translation.versions.order_by("-number").first()
    return latest is not None and translation.published_version_id == latest.pk


def _publish_latest(translation: Translation) -> None:
    latest = translation.versions.order_by("-number").first()
    if latest is None:
        raise ValidationFailed("This translation has no version to publish.")
    translation.published_version = latest
    translation.published_at = clock.now()
    translation.save(update_fields=["published_version", "published_at", "updated_at"])


def _sync_conversion(source: Translation) -> None:
    """Generate or refresh the other Chinese script from ``source`` unless a human wrote it."""
    if source.lang not in CONVERSIONS or source.machine_converted:
        return
    target_lang, config = CONVERSIONS[source.lang]
    target = _locked_translation(source.article, target_lang)
    if target is not None and not target.machine_converted:
        return
    content = Content.of(source).converted(config)
    note = f"Converted with OpenCC ({config}) from {source.lang} v{source.versions.count()}"
    if target is None:
        target = Translation.objects.create(
            article=source.article, lang=target_lang, title=content.title, body=content.body,
            machine_converted=True,
        )  # fmt: skip
    if not target.versions.exists() or Content.of(target) != content:
        _write_version(target, content, author=None, note=note, publish=False, machine=True)
    source_live = _publishes_latest(source)
    if source.published_version_id is None:
        if target.published_version_id is not None:
            target.published_version = None
            target.save(update_fields=["published_version", "updated_at"])
    elif source_live and not _publishes_latest(target):
        _publish_latest(target)


def check_save_translation(
    actor: Agent,
    article: Article,
    lang: str,
    *,
    title: str,
    summary: str,
    tags: str,
    body: str,
    publish: bool,
    note: str = "",
) -> Translation:
    check_editor(actor)
    content = Content.clean(title, summary, tags, body)
    return do_save_translation(article, lang, content, author=actor, publish=publish, note=note)


def check_publish(actor: Agent, translation: Translation) -> Translation:
    check_editor(actor)
    with transaction.atomic():
        locked = _locked_existing(translation)
        _publish_latest(locked)
        _sync_conversion(locked)
        _index_after_commit(locked.article_id)
    return locked


def check_unpublish(actor: Agent, translation: Translation) -> Translation:
    check_editor(actor)
    with transaction.atomic():
        locked = _locked_existing(translation)
        locked.published_version = None
        locked.published_at = None
        locked.save(update_fields=["published_version", "published_at", "updated_at"])
        _sync_conversion(locked)
        _withdraw_from_search_now(locked.article_id)
        _index_after_commit(locked.article_id)
    return locked


def check_restore_version(
    actor: Agent, translation: Translation, number: int, *, publish: bool = False
) -> ArticleVersion:
    """Write a new version with the content of version ``number`` (history is never lost)."""
    check_editor(actor)
    with transaction.atomic():
        locked = _locked_existing(translation)
        old = locked.versions.filter(number=number).first()
        if old is None:
            raise NotFound(f"Version {number} does not exist.", field="version")
        version = _write_version(
            locked,
            Content.of(old),
            author=actor,
            note=f"Restored from v{number}",
            publish=publish,
            machine=False,
        )
        _sync_conversion(locked)
        _index_after_commit(locked.article_id)
    return version


# Attachments ----------------------------------------------------------------------------------


def check_upload_attachment(
    actor: Agent, article: Article, *, name: str, content: bytes
) -> ArticleAttachment:
    check_editor(actor)
    name = PurePath(name or "file").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationFailed(
            f"{name}: only these file types are allowed: {allowed}.", field="file"
        )
    if not content:
        raise ValidationFailed(f"{name} is empty.", field="file")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            f"{name} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.", field="file"
        )
    # RIFF is a container (WAV, AVI...) too: a WebP file says WEBP after the chunk size.
    if not content.startswith(MAGIC[suffix]) or (suffix == ".webp" and content[8:12] != b"WEBP"):
        raise ValidationFailed(f"{name} is not a valid {suffix[1:].upper()} file.", field="file")
    digest = hashlib.sha256(content).hexdigest()
    attachment = ArticleAttachment(
        article=article,
        name=name,
        content_type=ATTACHMENT_TYPES[suffix],
        size=len(content),
        sha256=digest,
        extension=suffix,
        uploaded_by=actor,
    )
    attachment.file.save(f"{digest}{suffix}", ContentFile(content), save=False)
    try:
        attachment.save()
    except DatabaseError:
        attachment.file.delete(save=False)  # a file no row names would never be removed
        raise
    return attachment


# Votes, analytics, suggestions ----------------------------------------------------------------


def do_record_vote(
    translation: Translation, *, session_key: str, helpful: bool, comment: str = ""
) -> bool:
    """One vote per translation and browser session; returns False for a repeated vote."""
    comment = redact_text(without_control_characters(comment or "").strip())[0]
    comment = comment[:MAX_COMMENT_CHARS]
    try:
        with transaction.atomic():
            Vote.objects.create(
                translation=translation, session_key=session_key, helpful=helpful, comment=comment
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Translation.objects.filter(pk=translation.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        return False
    return True


def do_count_view(translation: Translation) -> None:
    Translation.objects.filter(pk=translation.pk).update(views=F("views") + 1)


def do_log_search(
    query: str,
    lang: str,
    source: str,
    *,
    results: int,
    top_score: float | None,
    top_lexical: float,
    top_similarity: float,
) -> SearchQuery:
    poor = results == 0 or (top_lexical <= 0 and top_similarity < POOR_SIMILARITY)
    # Customers paste anything into a search box or a request form (whose text the suggestions
    # search): a recovery phrase or a private key must not be stored in the analytics.
    query = redact_text(query)[0]
    return SearchQuery.objects.create(
        query=query[:300],
        normalised=" ".join(normalise(query).split())[:300],
        lang=lang,
        source=source,
        results=results,
        top_score=top_score,
        poor=poor,
    )


def do_record_click(query_id: int, translation: Translation) -> bool:
    """The first result opened from a search; later clicks of the same search are ignored."""
    updated = SearchQuery.objects.filter(pk=query_id, clicked__isnull=True).update(
        clicked=translation, clicked_at=clock.now()
    )
    return bool(updated)


def do_record_suggestion_event(
    form_key: str, kind: str, translation: Translation | None = None
) -> None:
    form_key = without_control_characters(form_key or "").strip()[:64]
    if not form_key or kind not in SuggestionEvent.Kind.values:
        return
    if (
        kind == SuggestionEvent.Kind.OPENED
        and not SuggestionEvent.objects.filter(
            form_key=form_key, kind=SuggestionEvent.Kind.SHOWN, translation=translation
        ).exists()
    ):
        # Only an article the form actually suggested counts (a deflection); a forged or
        # shared ``?suggestion=`` link writes nothing.
        return
    if SuggestionEvent.objects.filter(
        form_key=form_key, kind=kind, translation=translation
    ).exists():
        return  # the unique constraint settles a concurrent duplicate below
    try:
        with transaction.atomic():
            SuggestionEvent.objects.create(form_key=form_key, kind=kind, translation=translation)
    except IntegrityError:
        pass


# Import ---------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    categories: int = 0
    sections: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _section_for(item: ArticleFile, cache: dict[tuple[str, str], Section]) -> Section:
    key = (item.category, item.section)
    if key not in cache:
        query = Section.objects.select_related("category").filter(
            category__slug=item.category, slug=item.section
        )
        section = query.first()
        if section is None:
            raise ArticleFileError(
                f"{item.path}: unknown category/section {item.category or '?'}/"
                f"{item.section or '?'} (add it to categories.json)"
            )
        cache[key] = section
    return cache[key]


def do_import_directory(
    directory: Path, *, author: Agent | None = None, progress: Callable[[], None] | None = None
) -> ImportReport:
    """Import every ``*.md`` file under ``directory`` (and its ``categories.json``). Re-import
    updates by slug and language; a file with bad front matter is reported by name and the
    others are still imported. English files go first so translations find their article."""
    report = ImportReport()
    if not directory.is_dir():
        raise ValidationFailed(f"{directory} is not a directory.", field="directory")
    try:
        report.categories, report.sections = do_sync_categories(read_categories(directory))
    except ArticleFileError as error:
        report.errors.append(str(error))
    items: list[ArticleFile] = []
    for path in find_article_files(directory):
        try:
            items.append(read_article_file(path))
        except ArticleFileError as error:
            report.errors.append(str(error))
    order = {"en": 0, "zh-hans": 1, "zh-hant": 2}
    items.sort(key=lambda item: (order[item.lang], item.group_slug))
    sections: dict[tuple[str, str], Section] = {}
    for item in items:
        try:
            outcome = _import_one(item, author, sections)
        except (ArticleFileError, ValidationFailed) as error:
            message = str(error) if isinstance(error, ArticleFileError) else error.message
            report.errors.append(
                message if str(item.path) in message else f"{item.path}: {message}"
            )
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress()
    return report


def _import_one(
    item: ArticleFile, author: Agent | None, sections: dict[tuple[str, str], Section]
) -> str:
    # Checked before anything is written: a refused file must not leave an empty article.
    content = Content.clean(item.title, item.summary, item.tags, item.body)
    article = Article.objects.filter(slug=item.group_slug).first()
    visibility = Visibility.INTERNAL if item.internal else Visibility.PUBLIC
    if article is None:
        if item.lang != "en" and not item.category:
            raise ArticleFileError(
                f"{item.path}: translation_of {item.group_slug!r} names no imported article"
            )
        section = _section_for(item, sections)
        article = Article.objects.create(
            slug=item.group_slug, section=section, visibility=visibility
        )
    elif item.lang == "en" and item.category:
        section = _section_for(item, sections)
        if (article.section_id, article.visibility) != (section.pk, visibility):
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(section=section, visibility=visibility)
                _withdraw_from_search_now(article.pk)
            article.refresh_from_db()
            _index_after_commit(article.pk)
    existing = Translation.objects.filter(article=article, lang=item.lang).first()
    if existing is not None and not existing.machine_converted:
        if Content.of(existing) == content and _publishes_latest(existing):
            return "unchanged"
    do_save_translation(
        article,
        item.lang,
        content,
        author=author,
        publish=True,
        note=f"Imported from {item.path.name}",
    )
    return "created" if existing is None or existing.machine_converted else "updated"


# Search index ---------------------------------------------------------------------------------

Encode = Callable[[Sequence[str]], "np.ndarray[Any, np.dtype[np.float32]]"]


def document_fields(translation: Translation, version: ArticleVersion) -> dict[str, Any]:
    text = plain_text(version.body)
    return {
        "lang": translation.lang,
        "article_slug": translation.article.slug,
        "public": translation.article.visibility == Visibility.PUBLIC,
        "title": version.title,
        "text": text,
        "terms": " ".join(document_terms(version.title, version.summary, version.tags, text)),
    }


def _embedding_input(version: ArticleVersion) -> str:
    return document_embedding_text(version.title, version.summary, version.tags)


def _embeddings(versions: Sequence[ArticleVersion], encode: Encode) -> dict[int, bytes]:
    """The stored embedding of each version, by version id (a version never changes)."""
    if not versions:
        return {}
    vectors = encode([_embedding_input(v) for v in versions])
    return {
        version.pk: np.asarray(vector, dtype=np.float32).tobytes()
        for version, vector in zip(versions, vectors, strict=True)
    }


def _published_translations(article_id: int) -> list[Translation]:
    return list(
        Translation.objects.select_related("article", "published_version").filter(
            article_id=article_id, published_version__isnull=False
        )
    )


def _versions_of(translations: Iterable[Translation]) -> list[ArticleVersion]:
    return [t.published_version for t in translations if t.published_version is not None]


def do_index_article(article_id: int, encode: Encode, encoder_name: str) -> int:
    """Bring the search documents of one article in line with its published translations.
    Idempotent; the article row is locked so two runs for one article cannot interleave and
    leave an older text in the index. Returns the number of documents written."""
    # Encoding is slow: do it before taking the lock, which editors saving the article wait
    # for. Under the lock only a version published in the meantime is still to encode.
    embeddings = _embeddings(_versions_of(_published_translations(article_id)), encode)
    with transaction.atomic():
        if Article.objects.select_for_update().filter(pk=article_id).first() is None:
            SearchDocument.objects.filter(translation__article_id=article_id).delete()
            do_bump_index_version()
            return 0
        published = _published_translations(article_id)
        missing = [v for v in _versions_of(published) if v.pk not in embeddings]
        embeddings |= _embeddings(missing, encode)
        SearchDocument.objects.filter(translation__article_id=article_id).exclude(
            translation__in=[t.pk for t in published]
        ).delete()
        for translation in published:
            version = translation.published_version
            assert version is not None
            SearchDocument.objects.update_or_create(
                translation=translation,
                defaults=document_fields(translation, version)
                | {"embedding": embeddings[version.pk], "encoder": encoder_name},
            )
        do_bump_index_version()
    return len(published)


def _withdraw_from_search_now(article_id: int) -> None:
    """Apply an article's visibility and unpublished translations to its search documents in
    the writer's transaction. The index task only runs after commit (or later, or never, when
    the workers are down, or not at all during an import whose files are unchanged); until then
    an article made internal or unpublished must not stay findable in public search."""
    visibility = Article.objects.filter(pk=article_id).values_list("visibility", flat=True).first()
    documents = SearchDocument.objects.filter(translation__article_id=article_id)
    documents.filter(translation__published_version__isnull=True).delete()
    documents.exclude(public=visibility == Visibility.PUBLIC).update(
        public=visibility == Visibility.PUBLIC
    )
    do_bump_index_version()


def do_bump_index_version() -> None:
    updated = IndexState.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        try:
            with transaction.atomic():
                IndexState.objects.create(pk=1, version=1)
        except IntegrityError:
            IndexState.objects.filter(pk=1).update(version=F("version") + 1)


def do_reindex_all(
    encode: Encode,
    encoder_name: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 64,
) -> int:
    """Rebuild every search document from the published translations, in batches."""
    published = list(
        Translation.objects.select_related("article", "published_version")
        .filter(published_version__isnull=False)
        .order_by("pk")
    )
    total = len(published)
    done = 0
    for start in range(0, total, batch):
        chunk = published[start : start + batch]
        embeddings = _embeddings(_versions_of(chunk), encode)
        rows = []
        for translation in chunk:
            version = translation.published_version
            assert version is not None
            rows.append(
                SearchDocument(
                    translation=translation,
                    embedding=embeddings[version.pk],
                    encoder=encoder_name,
                    **document_fields(translation, version),
                )
            )
        with transaction.atomic():
            SearchDocument.objects.filter(translation__in=[r.translation_id for r in rows]).delete()
            SearchDocument.objects.bulk_create(rows)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    with transaction.atomic():
        SearchDocument.objects.filter(translation__published_version__isnull=True).delete()
        do_bump_index_version()
    return total
