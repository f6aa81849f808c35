"""`cryptodesk kb import` and `cryptodesk kb reindex` through the CLI."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cryptodesk.kb.models import Article, SearchDocument, Translation
from tests.kb.conftest import FIXTURE


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("kb", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_is_idempotent_and_indexes(db: None) -> None:
    out, _ = run("import", str(FIXTURE))
    assert "Imported 9 articles from" in out
    assert "9 created, 0 updated, 0 unchanged (2 categories, 4 sections)" in out
    assert Article.objects.count() == 5
    # 9 files + zh-Hant converted for the 2 Simplified-only articles
    assert Translation.objects.count() == 11
    assert SearchDocument.objects.count() == 11
    again, _ = run("import", str(FIXTURE))
    assert "0 created, 0 updated, 9 unchanged" in again
    assert Translation.objects.get(article__slug="withdrawal-fees", lang="en").versions.count() == 1


def test_bad_front_matter_names_the_file(db: None, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "help")
    broken = tmp_path / "help" / "en" / "broken.md"
    broken.write_text("---\ntitle: No slug here\nlang: en\n---\nBody\n", encoding="utf-8")
    (tmp_path / "help" / "en" / "nofront.md").write_text("Just text\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"2 file\(s\) could not be imported"):
        run("import", str(tmp_path / "help"))
    assert Article.objects.count() == 5  # the good files were imported
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("kb", "import", str(tmp_path / "help"), stdout=StringIO(), stderr=err)
    assert f"error: {broken}: front matter is missing slug" in err.getvalue()
    assert "nofront.md: the file must start with a '---' line" in err.getvalue()


def test_unknown_section_is_reported(db: None, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: T\nslug: t\nlang: en\ncategory: nope\nsection: none\n---\nBody\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("kb", "import", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "unknown category/section nope/none" in err.getvalue()
    assert Article.objects.count() == 0


def test_reindex_rebuilds_documents(help_center: Any) -> None:
    SearchDocument.objects.all().delete()
    out, _ = run("reindex")
    assert out.strip() == "Indexed 11 published translations."
    assert SearchDocument.objects.count() == 11
    assert SearchDocument.objects.filter(public=False).count() == 1


def test_missing_directory(db: None) -> None:
    with pytest.raises(CommandError, match="is not a directory"):
        run("import", "/nonexistent/help")


def test_bad_categories_json_is_reported_not_a_crash(db: None, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "help")
    path = tmp_path / "help" / "categories.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"funds", "position": 2,', '"funds", "position": "second",'
        ),
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"could not be imported"):
        call_command("kb", "import", str(tmp_path / "help"), stdout=StringIO(), stderr=err)
    assert f"error: {path}: the position of category funds must be a whole number" in (
        err.getvalue()
    )


def test_too_long_slug_is_reported_by_file(db: None, tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "help")
    long = tmp_path / "help" / "en" / "long.md"
    long.write_text(
        f"---\ntitle: Long\nslug: {'a' * 121}\nlang: en\ncategory: funds\nsection: deposits\n"
        "---\nBody\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) could not be imported"):
        call_command("kb", "import", str(tmp_path / "help"), stdout=StringIO(), stderr=err)
    assert f"error: {long}: slug is longer than 120 characters" in err.getvalue()
    assert Article.objects.count() == 5


def test_index_task_encodes_before_locking_the_article(help_center: Any) -> None:
    from django.db import connection

    from cryptodesk.kb.actions import do_index_article
    from cryptodesk.kb.search import ENCODER_NAME, encode_texts

    article = Article.objects.get(slug="withdrawal-fees")
    outside = len(connection.atomic_blocks)
    depths: list[int] = []

    def encode(texts: Any) -> Any:
        depths.append(len(connection.atomic_blocks))
        return encode_texts(texts)

    assert do_index_article(article.pk, encode, ENCODER_NAME) == 3
    assert depths == [outside]  # one batch, and no lock (transaction) held while encoding
    assert SearchDocument.objects.filter(translation__article=article).count() == 3


def test_index_task_indexes_a_version_published_while_it_encoded(help_center: Any) -> None:
    from cryptodesk.kb.actions import (
        Content,
        do_index_article,
        do_save_translation,
        indexing_deferred,
    )
    from cryptodesk.kb.search import ENCODER_NAME, encode_texts

    article = Article.objects.get(slug="withdrawal-fees")
    calls: list[list[str]] = []

    def encode(texts: Any) -> Any:
        calls.append(list(texts))
        if len(calls) == 1:  # an editor publishes while the task encodes the old text
            with indexing_deferred():
                do_save_translation(
                    article, "en", Content("Fees, revised", "", "", "New fee table."),
                    author=None, publish=True,
                )  # fmt: skip
        return encode_texts(texts)

    do_index_article(article.pk, encode, ENCODER_NAME)
    document = SearchDocument.objects.get(translation__article=article, lang="en")
    assert (document.title, document.text) == ("Fees, revised", "New fee table.")
    assert [len(texts) for texts in calls] == [3, 1]  # only the new version is encoded again
    assert "Fees, revised" in calls[1][0]


def test_a_file_whose_body_is_only_control_characters_creates_no_article(
    db: None, tmp_path: Path
) -> None:
    shutil.copytree(FIXTURE, tmp_path / "help")
    blank = tmp_path / "help" / "en" / "blank.md"
    blank.write_text(
        "---\ntitle: Blank\nslug: blank\nlang: en\ncategory: funds\nsection: deposits\n"
        "---\n\x00\x07\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) could not be imported"):
        call_command("kb", "import", str(tmp_path / "help"), stdout=StringIO(), stderr=err)
    assert f"error: {blank}: The body cannot be empty." in err.getvalue()
    assert not Article.objects.filter(slug="blank").exists()
    assert Article.objects.count() == 5
