"""The Simplified and Traditional Chinese catalogs: complete, placeholder-safe, compiled, current,
and actually used by the console (browser language or the agent's own choice) and the portal."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

import cryptodesk
from cryptodesk.accounts.actions import do_set_ui_language
from cryptodesk.accounts.models import Role

PACKAGE_DIR = Path(cryptodesk.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LOCALES = ["zh_Hans", "zh_Hant"]
# The project catalog plus one per app that keeps its own (``<app>/locale``): `make messages`
# puts each string into the catalog of the app it lives in.
CATALOG_DIRS = sorted(
    po.parents[2] for po in PACKAGE_DIR.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
)
CATALOGS = [
    pytest.param(directory, locale, id=f"{directory.parent.relative_to(PACKAGE_DIR)}-{locale}")
    for directory in CATALOG_DIRS
    for locale in LOCALES
]

# The words each catalog must use (and the other must not) for the queue page's title.
QUEUE_TITLE = {"zh_Hans": "工单队列", "zh_Hant": "工單佇列"}


# --- a tiny PO reader (polib is not a dependency) --------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def unquote(token: str) -> str:
    assert len(token) >= 2, token
    assert token[0] == token[-1] == '"', token
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return the header fields and the entries (header excluded) of a PO file."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if target is not None:
                finish()
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, token = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            entry.line = entry.line or number
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = unquote(token)
            else:
                target = (keyword, 0)
                setattr(entry, keyword, unquote(token))
            continue
        assert target is not None, f"{path}:{number}: {raw!r}"
        assert line.startswith('"'), f"{path}:{number}: {raw!r}"
        if target[0] == "msgstr":
            entry.msgstr[target[1]] += unquote(line)
        else:
            setattr(entry, target[0], (getattr(entry, target[0]) or "") + unquote(line))
    finish()

    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{path}: expected one header entry"
    header: dict[str, str] = {}
    for header_line in headers[0].msgstr[0].splitlines():
        name, _, value = header_line.partition(":")
        header[name.strip()] = value.strip()
    header["#flags"] = ",".join(sorted(headers[0].flags))
    return header, [e for e in entries if e is not headers[0]]


# printf-style placeholders (%s, %d, %(name)s, %.2f ...) and HTML tags; "%%" is a literal.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]|</?[A-Za-z][^<>]*>"
)


def placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


def catalog(locale: str, directory: Path = LOCALE_DIR) -> tuple[dict[str, str], list[Entry]]:
    path = directory / locale / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return parse_po(path)


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- (a) the catalogs are complete and safe ---------------------------------------------------


@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_catalog_header_declares_language_plural_forms_and_utf8(
    directory: Path, locale: str
) -> None:
    header, _entries = catalog(locale, directory)
    assert header["Language"] == locale
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert header["Content-Type"].lower() == "text/plain; charset=utf-8"
    assert "fuzzy" not in header["#flags"], "a fuzzy header makes msgfmt ignore the charset"


@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_catalog_is_fully_translated_without_fuzzy_entries(directory: Path, locale: str) -> None:
    _header, entries = catalog(locale, directory)
    live = [e for e in entries if not e.obsolete]
    if directory == LOCALE_DIR:
        assert len(live) > 100, "the catalog looks truncated"
    untranslated = [e.msgid for e in live if not e.translated]
    fuzzy = [e.msgid for e in live if "fuzzy" in e.flags]
    assert untranslated == [], f"{locale}: untranslated: {untranslated}"
    assert fuzzy == [], f"{locale}: fuzzy: {fuzzy}"
    for entry in live:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0], f"{locale}: {entry.msgid!r} needs only msgstr[0]"


@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_translations_keep_exactly_the_placeholders_and_tags(directory: Path, locale: str) -> None:
    _header, entries = catalog(locale, directory)
    problems = []
    for entry in entries:
        if entry.obsolete:
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            if placeholders(text) != expected:
                problems.append((entry.line, entry.msgid, index, sorted(placeholders(text))))
    assert problems == [], f"{locale}: placeholder mismatch: {problems}"


@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_chinese_catalogs_do_not_mix_scripts(directory: Path, locale: str) -> None:
    """A few characters that only exist in one script catch a catalog pasted into the other."""
    simplified_only, traditional_only = set("单队处认设户关称请义"), set("單隊處認設戶關稱請義")
    _header, entries = catalog(locale, directory)
    text = "".join("".join(e.msgstr.values()) for e in entries if not e.obsolete)
    wrong = traditional_only if locale == "zh_Hans" else simplified_only
    assert set(text) & wrong == set()


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_msgfmt_check_reports_everything_translated(directory: Path, locale: str) -> None:
    po = directory / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.\n", result.stderr), result.stderr


# --- (b) the committed .mo files match the .po files ------------------------------------------


@pytest.mark.parametrize(("directory", "locale"), CATALOGS)
def test_compiled_catalog_matches_the_po_file(directory: Path, locale: str) -> None:
    mo = directory / locale / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == locale
    assert compiled.plural(1) == compiled.plural(7) == 0  # type: ignore[attr-defined]
    _header, entries = catalog(locale, directory)
    stale = []
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.msgid_plural is not None:
            for n in (0, 1, 2, 11):
                if entry.msgctxt is not None:
                    got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr[0]:
                    stale.append((entry.msgid, n, got))
        else:
            if entry.msgctxt is not None:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = compiled.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                stale.append((entry.msgid, got))
    assert stale == [], f"{mo} is out of date with its .po (run compilemessages): {stale}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is missing")
def test_catalogs_hold_every_string_of_the_templates_and_code(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extracting the strings afresh (in a copy of the package) finds nothing the catalogs lack."""
    source = tmp_path / "cryptodesk"
    shutil.copytree(
        PACKAGE_DIR, source, ignore=shutil.ignore_patterns("locale", "__pycache__", "var")
    )
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=["demo/content"],
        no_obsolete=True,
        verbosity=0,
    )
    _header, fresh = parse_po(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    wanted = {(e.msgctxt, e.msgid) for e in fresh}
    for locale in LOCALES:
        have = {
            (e.msgctxt, e.msgid)
            for directory in CATALOG_DIRS
            for e in catalog(locale, directory)[1]
            if not e.obsolete
        }
        missing = sorted(wanted - have, key=str)
        assert missing == [], f"{locale} lacks {missing}: run `make messages` and translate"


# --- (c) the console follows the browser, or the agent's own choice ---------------------------


def queue_html(client: Any, accept_language: str) -> str:
    response = client.get("/tickets/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    return response.content.decode()


def test_queue_follows_the_browser_language(make_agent: Any, console_for: Any, ingest: Any) -> None:
    ingest(subject="USDT deposit missing", requested_priority="urgent")
    client = console_for(make_agent(Role.SUPERVISOR))

    english = queue_html(client, "en-US,en;q=0.9")
    assert '<html lang="en">' in english
    assert "Ticket queue" in english

    traditional = queue_html(client, "zh-Hant")
    assert '<html lang="zh-hant">' in traditional
    assert QUEUE_TITLE["zh_Hant"] in traditional
    assert "負責人" in traditional  # Assignee
    assert ">緊急<" in traditional  # the ticket's priority, a model choice label
    assert "USDT deposit missing" in traditional
    assert QUEUE_TITLE["zh_Hans"] not in traditional
    assert "Ticket queue" not in traditional

    simplified = queue_html(client, "zh-Hans")
    assert '<html lang="zh-hans">' in simplified
    assert QUEUE_TITLE["zh_Hans"] in simplified
    assert "处理人" in simplified
    assert ">紧急<" in simplified
    assert QUEUE_TITLE["zh_Hant"] not in simplified


def test_taiwan_and_mainland_browser_codes_pick_the_right_script(
    make_agent: Any, console_for: Any
) -> None:
    client = console_for(make_agent(Role.SUPERVISOR))
    assert QUEUE_TITLE["zh_Hant"] in queue_html(client, "zh-TW,zh;q=0.9,en;q=0.5")
    assert QUEUE_TITLE["zh_Hans"] in queue_html(client, "zh-CN,zh;q=0.9,en;q=0.5")


def test_agent_language_overrides_the_browser(make_agent: Any, console_for: Any) -> None:
    agent = make_agent(Role.SUPERVISOR)
    do_set_ui_language(agent, "zh-hant")
    client = console_for(agent)
    for browser in ("en-US,en;q=0.9", "zh-Hans"):
        html = queue_html(client, browser)
        assert '<html lang="zh-hant">' in html
        assert QUEUE_TITLE["zh_Hant"] in html
        assert "設定與 API 權杖" in html  # the sidebar, from web/base.html
        assert "Ticket queue" not in html


# --- (d) the public request form ----------------------------------------------------------------


def test_public_request_form_in_simplified_chinese(client: Any, db: None) -> None:
    response = client.get("/support/new/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("提交请求", "您的电子邮箱", "问题描述", "选填", "助记词"):
        assert text in html, text
    assert "Submit a request" not in html
    assert "Your email address" not in html


def test_public_request_form_errors_in_traditional_chinese(client: Any, db: None) -> None:
    response = client.post("/support/new/", {}, HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交請求" in html
    assert "您的電子郵件地址" in html
    assert "This field is required." not in html  # Django's own zh_Hant catalog
