"""Authoring in the console: create, draft, publish, OpenCC conversion, version history with
diff and restore, attachments, and the kb_editor permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cryptodesk.accounts.models import Agent, Role
from cryptodesk.kb.models import Article, ArticleAttachment, ArticleVersion, Translation
from tests.kb.conftest import translation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def api_slugs(client: Client, q: str, lang: str) -> list[str]:
    body = client.get("/api/v1/kb/search", {"q": q, "lang": lang}).json()
    return [r["url"].rstrip("/").rsplit("/", 1)[-1] for r in body["results"]]


def edit(client: Client, slug: str, lang: str, publish: bool, **fields: str) -> Any:
    data = {"lang": lang, "title": "", "summary": "", "tags": "", "body": ""} | fields
    data["publish"] = "1" if publish else "0"
    return client.post(f"/kb/articles/{slug}/?lang={lang}", data)


def test_create_publish_and_find(
    console_for: Any, editor: Agent, help_center: Any, client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    console = console_for(editor)
    section = Article.objects.get(slug="withdrawal-fees").section
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post(
            "/kb/new/",
            {"slug": "travel-rule", "section": section.pk, "visibility": "public", "lang": "en",
             "title": "Travel rule checks on withdrawals", "summary": "Why we ask who receives",
             "tags": "travel rule", "body": "We ask for the beneficiary name on large transfers.",
             "publish": "1"},
        )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/kb/articles/travel-rule/?lang=en"
    page = client.get("/help/en/articles/travel-rule/")
    assert page.status_code == 200
    assert "beneficiary name" in page.content.decode()
    assert api_slugs(client, "beneficiary name travel rule", "en")[0] == "travel-rule"
    version = ArticleVersion.objects.get(translation__article__slug="travel-rule")
    assert (version.number, version.author, version.title) == (
        1, editor, "Travel rule checks on withdrawals",
    )  # fmt: skip


def test_draft_stays_off_the_help_center_until_published(
    console_for: Any, editor: Agent, help_center: Any, client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    console = console_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(
            console, "withdrawal-fees", "en", False,
            title="How withdrawal fees are calculated", body="Zebra fees are now quoted live.",
        )  # fmt: skip
    assert response.status_code == 302
    assert "Zebra" not in client.get("/help/en/articles/withdrawal-fees/").content.decode()
    assert "withdrawal-fees" not in api_slugs(client, "zebra", "en")
    t = translation("withdrawal-fees", "en")
    with django_capture_on_commit_callbacks(execute=True):
        assert console.post("/kb/articles/withdrawal-fees/en/publish/").status_code == 302
    assert "Zebra" in client.get("/help/en/articles/withdrawal-fees/").content.decode()
    assert api_slugs(client, "zebra", "en")[0] == "withdrawal-fees"
    assert translation("withdrawal-fees", "en").published_version.number == 2  # type: ignore[union-attr]
    assert t.versions.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        console.post("/kb/articles/withdrawal-fees/en/unpublish/")
    assert client.get("/help/en/articles/withdrawal-fees/").status_code == 404
    assert "withdrawal-fees" not in api_slugs(client, "zebra", "en")


def test_opencc_conversion_follows_simplified_until_a_human_writes(
    console_for: Any, editor: Agent, help_center: Any, client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    converted = translation("withdrawal-fees", "zh-hant")
    assert converted.machine_converted
    assert converted.published_version.title == "提幣手續費怎麼計算"  # type: ignore[union-attr]
    page = client.get("/help/zh-hant/articles/withdrawal-fees/").content.decode()
    assert "這篇文章由簡體中文自動轉換" in page
    console = console_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        edit(console, "withdrawal-fees", "zh-hans", True,
             title="提币手续费怎么算", body="网络拥堵时手续费会调整。")  # fmt: skip
    converted = translation("withdrawal-fees", "zh-hant")
    assert converted.published_version.title == "提幣手續費怎麼算"  # type: ignore[union-attr]
    assert converted.published_version.body == "網絡擁堵時手續費會調整。"  # type: ignore[union-attr]
    assert api_slugs(client, "網路擁堵", "zh-Hant")[0] == "withdrawal-fees"
    with django_capture_on_commit_callbacks(execute=True):
        edit(console, "withdrawal-fees", "zh-hant", True, title="提領手續費", body="人工翻譯。")
    human = translation("withdrawal-fees", "zh-hant")
    assert not human.machine_converted
    with django_capture_on_commit_callbacks(execute=True):
        edit(console, "withdrawal-fees", "zh-hans", True, title="提币费用", body="又改了。")
    assert translation("withdrawal-fees", "zh-hant").published_version.title == "提領手續費"  # type: ignore[union-attr]
    assert "自動轉換" not in client.get("/help/zh-hant/articles/withdrawal-fees/").content.decode()


def test_version_diff_and_restore(
    console_for: Any, editor: Agent, help_center: Any, client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    console = console_for(editor)
    edit(console, "deposit-delayed", "en", True, title="My deposit has not arrived",
         body="Wait for twelve confirmations.")  # fmt: skip
    diff = console.get("/kb/articles/deposit-delayed/en/versions/2/").content.decode()
    assert '<span class="add">+Wait for twelve confirmations.</span>' in diff
    assert '<span class="del">-Most deposits are credited' in diff
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post("/kb/articles/deposit-delayed/en/versions/1/restore/")
    assert response.status_code == 302
    t = translation("deposit-delayed", "en")
    latest = t.versions.order_by("-number").first()
    assert latest is not None
    assert latest.number == 3
    assert latest.note == "Restored from v1"
    assert latest.body.startswith("Most deposits are credited")
    assert t.published_version.number == 2  # type: ignore[union-attr]  (restored as a draft)
    assert console.get("/kb/articles/deposit-delayed/en/versions/9/").status_code == 404


def test_agents_read_but_cannot_write(
    console_for: Any, make_agent: Any, help_center: Any, client: Client
) -> None:
    agent = make_agent(Role.AGENT)
    console = console_for(agent)
    page = console.get("/kb/articles/takeover-escalation/?lang=en")
    assert page.status_code == 200
    assert "Freeze withdrawals" in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    before = list(ArticleVersion.objects.values_list("pk", flat=True))
    response = edit(console, "deposit-delayed", "en", True, title="Hacked", body="Hacked")
    assert response.status_code == 403
    assert console.post("/kb/articles/deposit-delayed/en/unpublish/").status_code == 302
    assert console.post("/kb/articles/deposit-delayed/en/versions/1/restore/").status_code == 302
    section = Article.objects.get(slug="withdrawal-fees").section
    settings = {"lang": "en", "section": section.pk, "visibility": "internal"}
    assert console.post("/kb/articles/deposit-delayed/settings/", settings).status_code == 302
    upload = {"lang": "en", "file": SimpleUploadedFile("x.png", PNG)}
    assert console.post("/kb/articles/deposit-delayed/upload/", upload).status_code == 302
    assert Article.objects.get(slug="deposit-delayed").visibility == "public"
    assert not ArticleAttachment.objects.exists()
    assert console.get("/kb/new/").status_code == 403
    assert console.get("/kb/analytics/").status_code == 403
    assert list(ArticleVersion.objects.values_list("pk", flat=True)) == before
    assert translation("deposit-delayed", "en").title == "My deposit has not arrived"
    assert client.get("/help/en/articles/deposit-delayed/").status_code == 200
    assert Client().get("/kb/").status_code == 302  # not logged in: to the login page


@pytest.mark.parametrize("role", [Role.KB_EDITOR, Role.SUPERVISOR, Role.ADMIN])
def test_editor_roles_may_write(
    console_for: Any, make_agent: Any, help_center: Any, role: str
) -> None:
    console = console_for(make_agent(role))
    response = edit(console, "deposit-delayed", "en", False, title="Still waiting", body="New")
    assert response.status_code == 302
    assert translation("deposit-delayed", "en").title == "Still waiting"


def test_empty_title_is_refused_and_nothing_is_written(
    console_for: Any, editor: Agent, help_center: Any
) -> None:
    before = ArticleVersion.objects.count()
    response = edit(console_for(editor), "deposit-delayed", "en", True, title=" ", body="x")
    assert response.status_code == 422
    assert "The title cannot be empty." in response.content.decode()
    assert ArticleVersion.objects.count() == before


def test_attachments(console_for: Any, editor: Agent, help_center: Any, client: Client) -> None:
    console = console_for(editor)
    ok = console.post(
        "/kb/articles/deposit-delayed/upload/",
        {"lang": "en", "file": SimpleUploadedFile("explorer.png", PNG, "image/png")},
        follow=True,
    )
    attachment = ArticleAttachment.objects.get()
    assert f"/help/files/{attachment.pk}/explorer.png" in ok.content.decode()
    served = client.get(f"/help/files/{attachment.pk}/explorer.png")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    for name, content in (
        ("run.exe", b"MZ"),
        ("fake.png", b"<svg/>"),
        ("empty.pdf", b""),
        ("sound.webp", b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"),
    ):
        response = console.post(
            "/kb/articles/deposit-delayed/upload/",
            {"lang": "en", "file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert name in response.content.decode()
    assert ArticleAttachment.objects.count() == 1
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00" + b"\x00" * 14
    console.post(
        "/kb/articles/deposit-delayed/upload/",
        {"lang": "en", "file": SimpleUploadedFile("photo.webp", webp)},
    )
    assert ArticleAttachment.objects.filter(content_type="image/webp").count() == 1


def test_internal_attachment_needs_an_agent(
    console_for: Any, editor: Agent, help_center: Any, client: Client
) -> None:
    console_for(editor).post(
        "/kb/articles/takeover-escalation/upload/",
        {"lang": "en", "file": SimpleUploadedFile("steps.png", PNG)},
    )
    attachment = ArticleAttachment.objects.get()
    assert client.get(f"/help/files/{attachment.pk}/steps.png").status_code == 404
    assert console_for(editor).get(f"/help/files/{attachment.pk}/steps.png").status_code == 200
    assert Translation.objects.filter(article__slug="takeover-escalation").count() == 1


def test_files_of_a_never_published_article_are_not_public(
    console_for: Any, editor: Agent, help_center: Any, client: Client
) -> None:
    console = console_for(editor)
    section = Article.objects.get(slug="withdrawal-fees").section
    response = console.post(
        "/kb/new/",
        {"slug": "upcoming-listing", "section": section.pk, "visibility": "public", "lang": "en",
         "title": "Upcoming listing", "body": "Not announced yet", "publish": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    console.post(
        "/kb/articles/upcoming-listing/upload/",
        {"lang": "en", "file": SimpleUploadedFile("chart.png", PNG)},
    )
    attachment = ArticleAttachment.objects.get()
    url = f"/help/files/{attachment.pk}/chart.png"
    assert client.get("/help/en/articles/upcoming-listing/").status_code == 404
    assert client.get(url).status_code == 404
    assert console.get(url).status_code == 200
    console.post("/kb/articles/upcoming-listing/en/publish/")
    assert client.get(url).status_code == 200


def test_new_article_errors_keep_nothing(console_for: Any, editor: Agent, help_center: Any) -> None:
    console = console_for(editor)
    section = Article.objects.get(slug="withdrawal-fees").section
    cases = [
        ({"slug": "deposit-delayed", "section": section.pk}, "already exists"),
        ({"slug": "Bad Slug", "section": section.pk}, "lowercase letters"),
        ({"slug": "fresh", "section": "abc"}, "Choose a section."),
        ({"slug": "fresh", "section": section.pk, "title": ""}, "The title cannot be empty."),
    ]
    for fields, message in cases:
        data = {"visibility": "public", "lang": "en", "title": "T", "body": "B", "publish": "1"}
        response = console.post("/kb/new/", data | fields)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Article.objects.count() == 5
    assert not Translation.objects.filter(article__slug="fresh").exists()


def test_console_search_includes_internal_articles(
    console_for: Any, make_agent: Any, help_center: Any
) -> None:
    console = console_for(make_agent(Role.AGENT))
    page = console.get("/kb/", {"q": "account takeover escalation", "lang": "en"})
    body = page.content.decode()
    assert page.status_code == 200
    first = body.split('<ol class="kb-results">', 1)[1]
    assert first.index("Escalating an account takeover") < first.index("</li>")
    assert 'href="/kb/articles/takeover-escalation/?lang=en"' in first


def test_console_list_names_category_and_section_in_the_agents_language(
    console_for: Any, make_agent: Any, help_center: Any
) -> None:
    console = console_for(make_agent(Role.AGENT))
    english = console.get("/kb/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td class="small">Security / Two-factor</td>' in english
    traditional = console.get("/kb/", HTTP_ACCEPT_LANGUAGE="zh-Hant").content.decode()
    assert '<td class="small">安全 / 雙重驗證</td>' in traditional
    assert "security / two-factor" not in traditional


def test_an_upload_over_five_megabytes_is_refused(
    console_for: Any, editor: Agent, help_center: Any
) -> None:
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    response = console_for(editor).post(
        "/kb/articles/deposit-delayed/upload/",
        {"lang": "en", "file": SimpleUploadedFile("huge.png", big, "image/png")},
        follow=True,
    )
    assert response.status_code == 200
    assert "huge.png is larger than 5 MB." in response.content.decode()
    assert ArticleAttachment.objects.count() == 0


def test_a_version_number_too_large_for_a_row_is_not_found(
    console_for: Any, editor: Agent, help_center: Any
) -> None:
    console = console_for(editor)
    huge = 2**64
    before = ArticleVersion.objects.count()
    assert console.get(f"/kb/articles/deposit-delayed/en/versions/{huge}/").status_code == 404
    response = console.post(f"/kb/articles/deposit-delayed/en/versions/{huge}/restore/")
    assert response.status_code == 302
    assert ArticleVersion.objects.count() == before


def test_an_upload_whose_row_cannot_be_written_leaves_no_file(
    console_for: Any, editor: Agent, help_center: Any, settings: Any, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from django.db import DatabaseError

    settings.MEDIA_ROOT = tmp_path

    def fail(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("connection lost")

    monkeypatch.setattr(ArticleAttachment, "save", fail)
    with pytest.raises(DatabaseError):
        console_for(editor).post(
            "/kb/articles/deposit-delayed/upload/",
            {"lang": "en", "file": SimpleUploadedFile("explorer.png", PNG, "image/png")},
        )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_unknown_language_changes_nothing_instead_of_the_english_text(
    console_for: Any, editor: Agent, help_center: Any
) -> None:
    console = console_for(editor)
    before = ArticleVersion.objects.count()
    assert console.post("/kb/articles/deposit-delayed/xx/unpublish/").status_code == 404
    assert console.post("/kb/articles/deposit-delayed/xx/publish/").status_code == 404
    assert console.post("/kb/articles/deposit-delayed/xx/versions/1/restore/").status_code == 404
    assert console.get("/kb/articles/deposit-delayed/xx/versions/1/").status_code == 404
    assert (
        edit(console, "deposit-delayed", "xx", True, title="Gone", body="Gone").status_code == 404
    )
    english = translation("deposit-delayed", "en")
    assert english.published_version is not None
    assert english.title != "Gone"
    assert ArticleVersion.objects.count() == before
    assert console.get("/kb/articles/deposit-delayed/?lang=xx").status_code == 200
