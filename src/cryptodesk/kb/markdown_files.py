"""Reading help-center articles from Markdown files with front matter.

A file starts with a block of ``key: value`` lines between two ``---`` lines (title, slug,
category, section, lang, summary, tags, and optionally translation_of and internal), followed by
the Markdown body. ``read_article_file`` parses one file and says exactly what is wrong with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptodesk.kb.text import normalise_language

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("title", "slug", "lang")
KNOWN_KEYS = {
    "title", "slug", "category", "section", "lang", "summary", "tags", "translation_of",
    "internal",
}  # fmt: skip
MAX_TITLE = 200
MAX_SUMMARY = 300
# The columns the values go to (Article.slug, Category.slug, Section.slug).
MAX_SLUG = {"slug": 120, "translation_of": 120, "category": 80, "section": 80}


class ArticleFileError(ValueError):
    """A file that cannot be imported; the message names the file and the problem."""


@dataclass(frozen=True)
class ArticleFile:
    path: Path
    title: str
    slug: str
    lang: str  # en / zh-hans / zh-hant
    category: str
    section: str
    summary: str
    tags: str
    translation_of: str
    internal: bool
    body: str

    @property
    def group_slug(self) -> str:
        """The slug shared by all translations of the article (its English slug)."""
        return self.translation_of or self.slug


def parse_front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(f"{name}: the file must start with a '---' line (front matter)")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ArticleFileError(f"{name}: the front matter has no closing '---' line") from None
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            raise ArticleFileError(f"{name}, line {number}: expected 'key: value', got {line!r}")
        if key not in KNOWN_KEYS:
            raise ArticleFileError(
                f"{name}, line {number}: unknown key {key!r} "
                f"(known: {', '.join(sorted(KNOWN_KEYS))})"
            )
        meta[key] = value.strip().strip('"').strip("'").strip()
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def read_article_file(path: Path) -> ArticleFile:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ArticleFileError(f"{name}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise ArticleFileError(f"{name}: cannot read it ({error.strerror})") from None
    meta, body = parse_front_matter(text, name)
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise ArticleFileError(f"{name}: front matter is missing {', '.join(missing)}")
    try:
        lang = normalise_language(meta["lang"])
    except ValueError as error:
        raise ArticleFileError(f"{name}: {error}") from None
    assert lang is not None
    for key in ("slug", "translation_of", "category", "section"):
        if meta.get(key) and not SLUG.match(meta[key]):
            raise ArticleFileError(
                f"{name}: {key} {meta[key]!r} must be lowercase letters, digits and hyphens"
            )
        if len(meta.get(key, "")) > MAX_SLUG[key]:
            raise ArticleFileError(f"{name}: {key} is longer than {MAX_SLUG[key]} characters")
    if len(meta["title"]) > MAX_TITLE:
        raise ArticleFileError(f"{name}: the title is longer than {MAX_TITLE} characters")
    if len(meta.get("summary", "")) > MAX_SUMMARY:
        raise ArticleFileError(f"{name}: the summary is longer than {MAX_SUMMARY} characters")
    internal = meta.get("internal", "false").lower()
    if internal not in ("true", "false", "yes", "no"):
        raise ArticleFileError(f"{name}: internal must be true or false, not {internal!r}")
    if not body.strip():
        raise ArticleFileError(f"{name}: the article has no body after the front matter")
    translation_of = meta.get("translation_of", "")
    if lang == "en" and translation_of and translation_of != meta["slug"]:
        raise ArticleFileError(f"{name}: an English article cannot be a translation_of another")
    return ArticleFile(
        path=path,
        title=meta["title"],
        slug=meta["slug"],
        lang=lang,
        category=meta.get("category", ""),
        section=meta.get("section", ""),
        summary=meta.get("summary", ""),
        tags=meta.get("tags", ""),
        translation_of=translation_of,
        internal=internal in ("true", "yes"),
        body=body,
    )


def find_article_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.md") if p.is_file())


def read_categories(directory: Path) -> list[dict[str, Any]]:
    """``categories.json`` of an import directory, or nothing when there is none."""
    path = directory / "categories.json"
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArticleFileError(f"{path}: not valid JSON ({error})") from None
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, list):
        raise ArticleFileError(f'{path}: expected {{"categories": [...]}}')
    for number, category in enumerate(categories, start=1):
        if not isinstance(category, dict) or not _is_slug(category.get("slug")):
            raise ArticleFileError(
                f"{path}: category {number} needs a slug (at most {MAX_SLUG['category']} "
                "lowercase letters, digits and hyphens)"
            )
        if not isinstance(category.get("title"), dict):
            raise ArticleFileError(f"{path}: category {category['slug']} needs titles per language")
        _check_position(path, f"category {category['slug']}", category)
        sections = category.get("sections", [])
        if not isinstance(sections, list):
            raise ArticleFileError(
                f"{path}: sections of category {category['slug']} must be a list"
            )
        for section in sections:
            if not isinstance(section, dict) or not _is_slug(section.get("slug")):
                raise ArticleFileError(
                    f"{path}: a section of category {category['slug']} needs a slug (at most "
                    f"{MAX_SLUG['section']} lowercase letters, digits and hyphens)"
                )
            _check_position(path, f"section {category['slug']}/{section['slug']}", section)
    return categories


def _is_slug(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_SLUG["category"] and bool(SLUG.match(value))


def _check_position(path: Path, what: str, data: dict[str, Any]) -> None:
    position = data.get("position")
    if position is None or position == "":
        return
    if isinstance(position, bool) or not isinstance(position, int | str):
        raise ArticleFileError(f"{path}: the position of {what} must be a whole number")
    try:
        number = int(position)
    except ValueError:
        raise ArticleFileError(f"{path}: the position of {what} must be a whole number") from None
    if not 0 <= number <= 2147483647:
        raise ArticleFileError(f"{path}: the position of {what} must be between 0 and 2147483647")
