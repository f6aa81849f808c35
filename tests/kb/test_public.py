"""The public help center: pages, SEO tags, sitemap, votes, click tracking, and the request-form
suggestions with deflection counting; internal articles never appear."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from cryptodesk.kb.models import SearchQuery, SuggestionEvent, Vote
from cryptodesk.kb.queries import search_stats
from tests.kb.conftest import translation


def test_home_lists_categories_in_the_page_language(client: Client, help_center: Any) -> None:
    assert client.get("/help/").status_code == 302
    page = client.get("/help/zh-hant/").content.decode()
    assert '<html lang="zh-Hant">' in page
    assert "有什麼可以幫你？" in page
    assert "安全" in page
    assert "資金" in page
    assert "入金一直沒有到帳" in page or "/help/zh-hant/categories/funds/" in page
    assert client.get("/help/fr/").status_code == 404


def test_article_page_has_seo_tags_breadcrumbs_and_help_path(
    client: Client, help_center: Any
) -> None:
    page = client.get("/help/en/articles/deposit-delayed/").content.decode()
    assert "<title>My deposit has not arrived · Help Center</title>" in page
    assert (
        '<meta name="description" content="Check confirmations, the network and the memo '
        'before you contact us.">' in page
    )
    for hreflang, lang in (("en", "en"), ("zh-Hans", "zh-hans"), ("zh-Hant", "zh-hant")):
        assert (
            f'<link rel="alternate" hreflang="{hreflang}" '
            f'href="http://testserver/help/{lang}/articles/deposit-delayed/">' in page
        )
    assert 'href="/help/en/categories/funds/">Funds</a>' in page
    assert 'href="/support/new/"' in page
    assert "Was this article helpful?" in page


def test_markdown_is_sanitised(
    client: Client, help_center: Any, editor: Any, console_for: Any
) -> None:
    console_for(editor).post(
        "/kb/articles/deposit-delayed/?lang=en",
        {"lang": "en", "title": "My deposit has not arrived", "publish": "1",
         "body": "Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=y>"},
    )  # fmt: skip
    page = client.get("/help/en/articles/deposit-delayed/").content.decode()
    body = page.split('<div class="art-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body
    assert "javascript:" not in body
    assert "onerror" not in body


def test_internal_articles_are_not_public(client: Client, help_center: Any) -> None:
    assert client.get("/help/en/articles/takeover-escalation/").status_code == 404
    assert "takeover" not in client.get("/help/en/categories/security/").content.decode()
    found = client.get("/help/en/search/", {"q": "account takeover"}).content.decode()
    assert "Escalating an account takeover" not in found
    assert "takeover-escalation" not in found
    sitemap = client.get("/help/sitemap.xml").content.decode()
    assert "<loc>http://testserver/help/zh-hant/articles/withdrawal-fees/</loc>" in sitemap
    assert "takeover" not in sitemap
    related = client.get("/help/en/articles/recovery-phrase-never/").content.decode()
    assert "takeover" not in related


def test_one_vote_per_session_with_comment(client: Client, help_center: Any) -> None:
    url = "/help/zh-hant/articles/deposit-delayed/vote/"
    response = client.post(url, {"helpful": "no", "comment": "還是沒看到我的幣"})
    assert response.status_code == 302
    assert response["Location"] == "/help/zh-hant/articles/deposit-delayed/#feedback"
    client.post(url, {"helpful": "yes"})
    vote = Vote.objects.get()
    assert (vote.helpful, vote.comment) == (False, "還是沒看到我的幣")
    t = translation("deposit-delayed", "zh-hant")
    assert (t.helpful_yes, t.helpful_no) == (0, 1)
    assert (
        "感謝你的回饋！" in client.get("/help/zh-hant/articles/deposit-delayed/").content.decode()
    )
    Client().post(url, {"helpful": "yes"})
    assert Vote.objects.filter(helpful=True).count() == 1


def test_vote_needs_csrf_token(help_center: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/help/en/articles/deposit-delayed/vote/", {"helpful": "yes"})
    assert response.status_code == 403
    assert Vote.objects.count() == 0
    page = client.get("/help/en/articles/deposit-delayed/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/help/en/articles/deposit-delayed/vote/",
        {"helpful": "yes", "csrfmiddlewaretoken": token.group(1)},
    )
    assert Vote.objects.filter(helpful=True).count() == 1


def test_search_page_records_the_click(client: Client, help_center: Any) -> None:
    page = client.get("/help/en/search/", {"q": "withdrawal fee"}).content.decode()
    logged = SearchQuery.objects.get()
    link = re.search(r'href="(/help/en/articles/withdrawal-fees/\?sq=[^"]+)"', page)
    assert link is not None
    assert "<mark>" in page
    # The id alone (or a forged token) does not count: ids are sequential and guessable.
    for forged in (str(logged.pk), f"{logged.pk}:forged", "x" * 5000):
        client.get("/help/en/articles/withdrawal-fees/", {"sq": forged})
    logged.refresh_from_db()
    assert logged.clicked is None
    client.get(link.group(1))
    logged.refresh_from_db()
    assert logged.clicked == translation("withdrawal-fees", "en")
    assert logged.source == "help"


def test_request_form_suggestions_and_deflection(client: Client, help_center: Any) -> None:
    fragment = client.get(
        "/help/suggest/", {"subject": "deposit not arrived", "description": "", "form_key": "k1"}
    ).content.decode()
    assert 'href="/help/en/articles/deposit-delayed/?suggestion=k1"' in fragment
    assert SuggestionEvent.objects.filter(form_key="k1", kind="shown").exists()
    client.get("/help/en/articles/deposit-delayed/?suggestion=k1")
    assert search_stats().deflections == 0  # the customer may still send the request
    SuggestionEvent.objects.filter(kind="opened").update(
        created_at=timezone.now() - timedelta(minutes=31)
    )
    assert search_stats().deflections == 1
    form = client.get("/support/new/").content.decode()
    assert 'id="kb-suggestions"' in form
    response = client.post(
        "/support/new/",
        {"email": "wei@example.com", "subject": "Deposit missing", "form_key": "k1",
         "description": "My deposit is still not credited after two hours."},
    )  # fmt: skip
    assert response.status_code == 302
    assert SuggestionEvent.objects.filter(form_key="k1", kind="submitted").count() == 1
    assert search_stats().deflections == 0
    assert search_stats().opened == 1
    assert client.get("/help/suggest/", {"subject": "ab"}).content.decode().strip() == ""


def test_content_gap_report(
    client: Client, help_center: Any, console_for: Any, editor: Any
) -> None:
    for _ in range(2):
        client.get("/help/en/search/", {"q": "margin lending"})
    client.get("/help/en/search/", {"q": "withdrawal fee"})
    page = console_for(editor).get("/kb/analytics/").content.decode()
    assert "margin lending" in page
    assert "withdrawal fee" not in page


def test_suggestions_follow_the_language_written(client: Client, help_center: Any) -> None:
    fragment = client.get("/help/suggest/", {"description": "手機丟了 驗證器", "form_key": "k2"})
    assert 'href="/help/zh-hant/articles/lost-authenticator/?suggestion=k2"' in (
        fragment.content.decode()
    )
    zh_page = client.get(
        "/help/suggest/",
        {"subject": "lost authenticator phone"},
        headers={"accept-language": "zh-hans"},
    )
    assert 'href="/help/en/articles/lost-authenticator/' in zh_page.content.decode()


def test_a_suggestion_link_never_shown_is_not_a_deflection(
    client: Client, help_center: Any
) -> None:
    # A shared or forged link (or a crawler following one) must not count as a deflection nor
    # write a row per made-up form key.
    for key in ("forged-1", "forged-2"):
        assert client.get(f"/help/en/articles/deposit-delayed/?suggestion={key}").status_code == 200
    assert not SuggestionEvent.objects.exists()
    client.get("/help/suggest/", {"subject": "deposit not arrived", "form_key": "k3"})
    client.get("/help/en/articles/withdrawal-fees/?suggestion=k3")  # not suggested on k3
    assert not SuggestionEvent.objects.filter(kind="opened").exists()
    client.get("/help/en/articles/deposit-delayed/?suggestion=k3")
    assert list(
        SuggestionEvent.objects.filter(kind="opened").values_list("form_key", "translation")
    ) == [("k3", translation("deposit-delayed", "en").pk)]


def test_search_page_language_links_keep_the_whole_query(client: Client, help_center: Any) -> None:
    page = client.get("/help/en/search/", {"q": "fees & limits #2"}).content.decode()
    assert 'href="/help/zh-hant/search/?q=fees+%26+limits+%232"' in page


def test_machine_converted_mark_follows_the_published_version(
    client: Client, help_center: Any, editor: Any, console_for: Any
) -> None:
    url = "/help/zh-hant/articles/withdrawal-fees/"
    mark = "這篇文章由簡體中文自動轉換。"
    before = client.get(url).content.decode()
    assert mark in before
    # A human starts a Traditional translation as a draft: the page still shows the converted
    # text, so it must still say so.
    console_for(editor).post(
        "/kb/articles/withdrawal-fees/?lang=zh-hant",
        {"lang": "zh-hant", "title": "提領手續費（人工翻譯草稿）", "body": "草稿內容",
         "publish": "0"},
    )  # fmt: skip
    during = client.get(url).content.decode()
    assert "人工翻譯草稿" not in during
    assert mark in during
    console_for(editor).post(
        "/kb/articles/withdrawal-fees/?lang=zh-hant",
        {"lang": "zh-hant", "title": "提領手續費（人工翻譯）", "body": "人工內容", "publish": "1"},
    )
    after = client.get(url).content.decode()
    assert "人工翻譯" in after
    assert mark not in after


def test_anonymous_votes_are_rate_limited_per_address(help_center: Any, monkeypatch: Any) -> None:
    from cryptodesk.kb import public_views

    monkeypatch.setattr(public_views, "VOTES_PER_WINDOW", (3, 3600))
    url = "/help/en/articles/deposit-delayed/vote/"
    # A script that drops its cookies gets a new session, so a "new voter", every time.
    for _ in range(3):
        assert Client(REMOTE_ADDR="198.51.100.7").post(url, {"helpful": "no"}).status_code == 302
    refused = Client(REMOTE_ADDR="198.51.100.7").post(url, {"helpful": "no", "comment": "x"})
    assert refused.status_code == 429
    assert "Try again in an hour." in refused.content.decode()
    assert Vote.objects.count() == 3
    assert translation("deposit-delayed", "en").helpful_no == 3
    assert Client(REMOTE_ADDR="198.51.100.8").post(url, {"helpful": "no"}).status_code == 302


def test_suggestions_are_rate_limited_per_address(help_center: Any, monkeypatch: Any) -> None:
    from cryptodesk.kb import public_views

    monkeypatch.setattr(public_views, "SUGGESTIONS_PER_WINDOW", (2, 600))
    client = Client(REMOTE_ADDR="198.51.100.9")
    for key in ("f1", "f2"):
        page = client.get("/help/suggest/", {"subject": "deposit not arrived", "form_key": key})
        assert "deposit-delayed" in page.content.decode()
    flood = client.get("/help/suggest/", {"subject": "deposit not arrived", "form_key": "f3"})
    assert flood.status_code == 429
    assert flood.content == b""
    assert not SuggestionEvent.objects.filter(form_key="f3").exists()
    assert SearchQuery.objects.count() == 2


def test_a_recovery_phrase_typed_into_the_request_form_is_not_stored(
    client: Client, help_center: Any
) -> None:
    import random

    from cryptodesk.guard.samples import random_phrase

    phrase = " ".join(random_phrase(random.Random(7), "english", 12))
    client.get(
        "/help/suggest/",
        {"subject": "wallet restore", "description": f"my words are {phrase}", "form_key": "s1"},
    )
    client.get("/help/en/search/", {"q": phrase})
    stored = list(SearchQuery.objects.values_list("query", "normalised"))
    assert len(stored) == 2
    for query, normalised in stored:
        assert phrase.split()[5] not in query.split()
        assert phrase.split()[5] not in normalised.split()
        assert "[redacted:" in query


def test_a_recovery_phrase_in_a_vote_comment_is_not_stored(
    client: Client, help_center: Any
) -> None:
    import random

    from cryptodesk.guard.samples import random_phrase

    phrase = " ".join(random_phrase(random.Random(8), "english", 12))
    response = client.post(
        "/help/en/articles/recovery-phrase-never/vote/",
        {"helpful": "no", "comment": f"is this safe? {phrase}"},
    )
    assert response.status_code == 302
    comment = Vote.objects.get().comment
    assert comment.startswith("is this safe? [redacted:")
    assert phrase.split()[5] not in comment.split()


def test_a_category_of_internal_articles_only_is_not_public(
    client: Client, help_center: Any, tmp_path: Any
) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    (tmp_path / "categories.json").write_text(
        json.dumps({"categories": [{
            "slug": "agent-playbooks", "position": 9,
            "title": {"en": "Agent playbooks"}, "description": {"en": "Fraud desk procedures"},
            "sections": [{"slug": "fraud", "title": {"en": "Fraud"}}],
        }]}),
        encoding="utf-8",
    )  # fmt: skip
    (tmp_path / "freeze.md").write_text(
        "---\ntitle: Freezing a hacked account\nslug: freeze-hacked\nlang: en\n"
        "category: agent-playbooks\nsection: fraud\ninternal: true\n---\nFreeze it.\n",
        encoding="utf-8",
    )
    call_command("kb", "import", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    page = client.get("/help/en/categories/agent-playbooks/")
    assert page.status_code == 404
    assert "Fraud desk procedures" not in page.content.decode()
    assert "Agent playbooks" not in client.get("/help/en/").content.decode()
    # Categories with public articles are unaffected.
    assert client.get("/help/zh-hans/categories/security/").status_code == 200


def test_an_attachment_id_too_large_for_a_row_is_not_found(
    client: Client, help_center: Any
) -> None:
    assert client.get(f"/help/files/{2**64}/file.png").status_code == 404
