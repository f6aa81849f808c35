"""The raw corpus through ``cryptodesk email ingest``: every message becomes exactly one message
on the right ticket, readable, with nothing lost (what the ticket cannot hold stays in the
raw source, which is kept byte for byte)."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from cryptodesk.accounts.models import Agent
from cryptodesk.guard.samples import random_phrase
from cryptodesk.mail.models import AddressStatus, EmailAddress, EmailMessage, Mailbox, MailKind
from cryptodesk.tickets.models import Message, Ticket
from tests.mail.conftest import CORPUS, SUPPORT

CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".eml", ".mbox", ".box"))


def ingest_files(*paths: Path, mailbox: str = "") -> dict[str, Any]:
    out = StringIO()
    args = ["ingest", *map(str, paths), "--json"]
    if mailbox:
        args += ["--mailbox", mailbox]
    call_command("email", *args, stdout=out)
    summary: dict[str, Any] = json.loads(out.getvalue())
    return summary


def stored(name: str) -> EmailMessage:
    """The email record of a corpus file (its Message-ID starts with the file's number)."""
    return EmailMessage.objects.select_related("message", "ticket").get(
        msgid__startswith=f"<{name[:2]}", msgid__endswith="@mail.example.com>"
    )


def test_corpus_has_at_least_forty_raw_messages() -> None:
    assert len([p for p in CORPUS_FILES if p.suffix == ".eml"]) >= 40
    assert {p.suffix for p in CORPUS_FILES} == {".eml", ".mbox", ".box"}


@pytest.mark.django_db
def test_whole_corpus_is_ingested_once_and_nothing_fails(mailbox: Mailbox) -> None:
    summary = ingest_files(*CORPUS_FILES)
    # 55 messages: 3 delivery reports (no ticket), 3 replies threaded onto the first ticket.
    assert summary == {
        "accepted": 55,
        "duplicates": 0,
        "failed": 0,
        "tickets_created": 49,
        "errors": [],
    }
    assert Message.objects.filter(channel="email", author_kind="customer").count() == 52
    assert EmailMessage.objects.count() == 55
    # Every raw source is kept exactly.
    for path in CORPUS_FILES:
        if path.suffix == ".eml":
            assert EmailMessage.objects.filter(raw=path.read_bytes()).count() == 1, path.name
    again = ingest_files(*CORPUS_FILES)
    assert again == {
        "accepted": 0,
        "duplicates": 55,
        "failed": 0,
        "tickets_created": 0,
        "errors": [],
    }
    assert EmailMessage.objects.count() == 55


# name -> (subject, text it starts with, problems)
READABLE = {
    "01-plain-utf8.eml": ("USDT deposit missing", "My USDT deposit of 250 USDT", []),
    "02-gb2312-label-gbk-chars.eml": ("充值未到账", "您好，我的充值还没有到账。我叫王堃，镕。", []),
    "03-gb18030.eml": ("提现审核", "我的提现一直在审核中", []),
    "04-gbk-base64.eml": ("账户被冻结", "我的账户被冻结了", []),
    "05-big5-hkscs.eml": (
        "提幣問題",
        "您好，我的提幣一直沒有到帳，請幫忙查詢。香港用戶，姓名：陳嘅。",
        [],
    ),
    "06-iso-2022-jp.eml": ("入金について", "入金がまだ反映されていません。", []),
    "07-windows-1252.eml": ("Fee question", "The fee was 12€ – why so “high”?", []),
    "08-windows-1251.eml": ("Вывод средств", "Здравствуйте, мой вывод средств не пришёл.", []),
    "09-latin1-label-utf8-bytes.eml": (
        "Café payment",
        "J'ai payé mais le dépôt n'apparaît pas.",
        ["charset_guessed"],
    ),
    "10-unknown-charset-label.eml": (
        "Unknown label",
        "Mi depósito no llegó, ¿pueden revisar?",
        ["charset_guessed"],
    ),
    "11-no-label-gb18030-bytes.eml": (
        "no label",
        "我的充值没有到账，请帮忙查看一下订单。",
        ["charset_guessed"],
    ),
    "12-utf8-label-gbk-bytes.eml": (
        "wrong label",
        "我的账户无法登录，提示密码错误。",
        ["charset_guessed"],
    ),
    "13-rfc2047-mixed-subject.eml": ("关于提现 order 42 café", "Body text.", []),
    "14-raw-8bit-utf8-headers.eml": ("我的提幣沒有到帳", "請問我的提幣為什麼還沒有到帳？", []),
    "15-quoted-printable.eml": (
        "Long QP line",
        "This is a very long line that must be soft-wrapped",
        [],
    ),
    "16-big5-encoded-word-subject.eml": ("帳戶安全", "有人試圖登入我的帳戶。", []),
    "17-html-only.eml": ("HTML only", "Hello,\nMy withdrawal is stuck.\nOrder: W-1001\nThanks", []),
    "18-html-only-chinese-base64.eml": ("网页邮件", "您好，\n我的充值没有到账。", []),
    "19-alternative.eml": ("Alternative parts", "Plain version of my question.", []),
    "43-broken-missing-end-boundary.eml": (
        "Cut off",
        "The message was cut off in trans",
        ["mime_defect"],
    ),
    "44-broken-base64.eml": ("Bad base64", "Hello, my deposit is missing", []),
    "48-deeply-nested.eml": ("Deep", "(This email has no text.)", ["too_deep", "empty_body"]),
    "49-empty-body.eml": ("Empty", "(This email has no text.)", ["empty_body"]),
    "50-lf-only-line-endings.eml": ("LF only", "Lines end with LF only.\nSecond line.", []),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(READABLE))
def test_each_message_is_readable(mailbox: Mailbox, name: str) -> None:
    subject, text, problems = READABLE[name]
    assert ingest_files(CORPUS / name)["accepted"] == 1
    email = stored(name)
    assert email.subject == subject
    assert email.message is not None
    assert email.message.text.startswith(text)
    assert "\ufffd" not in email.message.text
    assert email.parse_problems == problems
    assert email.ticket is not None
    assert email.ticket.channel == "email"
    assert email.mailbox == mailbox


@pytest.mark.django_db
def test_html_is_sanitized_and_text_derived(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "17-html-only.eml")
    message = stored("17-html-only.eml").message
    assert message is not None
    assert "<script" not in message.html
    assert "javascript:" not in message.html
    assert "onclick" not in message.html
    assert "<b>withdrawal</b>" in message.html


@pytest.mark.django_db
def test_inline_image_is_stored_and_linked_from_the_html(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "20-related-cid-image.eml")
    message = stored("20-related-cid-image.eml").message
    assert message is not None
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type) == ("image001.png", "image/png")
    assert f'src="/tickets/attachments/{attachment.pk}/"' in message.html
    assert "cid:" not in message.html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kept", "withheld"),
    [
        ("21-attachment-rfc2231-name.eml", ["银行流水.pdf"], []),
        ("22-attachment-rfc2047-name.eml", ["截图.png"], []),
        ("23-attachment-exe-withheld.eml", ["proof.png"], ["fix.exe"]),
        ("24-attachment-docx-and-ics.eml", [], ["kyc.docx", "call.ics"]),
        ("25-twelve-attachments.eml", [f"s{i:02d}.png" for i in range(10)], ["s10.png", "s11.png"]),
        ("26-attachment-only-no-text.eml", ["receipt.pdf"], []),
        ("35-forward-as-attachment.eml", ["phish.eml"], []),
    ],
)
def test_attachments_are_kept_or_withheld_never_lost(
    mailbox: Mailbox, name: str, kept: list[str], withheld: list[str]
) -> None:
    ingest_files(CORPUS / name)
    email = stored(name)
    assert email.message is not None
    assert [a.filename for a in email.message.attachments.all()] == kept
    assert [w["filename"] for w in email.withheld_parts] == withheld
    # A withheld part is still in the raw source.
    for part in email.withheld_parts:
        assert str(part["filename"]).encode() in bytes(email.raw)


@pytest.mark.django_db
def test_forward_as_attachment_shows_the_forwarded_text(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "35-forward-as-attachment.eml")
    message = stored("35-forward-as-attachment.eml").message
    assert message is not None
    assert "Forwarding a message I got." in message.text
    assert "From: Fake Support <support@phish.example>" in message.text
    assert "Enter your code at http://phish.example" in message.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "visible_end"),
    [
        ("27-reply-gmail.eml", "Here is the transaction hash you asked for."),
        ("28-reply-chinese-gmail.eml", "好的，我已经提供了交易哈希。"),
        ("29-reply-outlook-original-message.eml", "Thanks, that answers it."),
        ("30-reply-qqmail.eml", "收到，谢谢。"),
        ("31-reply-outlook-header-block.eml", "Still locked, please help."),
    ],
)
def test_quoted_history_is_folded_but_kept(mailbox: Mailbox, name: str, visible_end: str) -> None:
    ingest_files(CORPUS / "01-plain-utf8.eml", CORPUS / name)
    email = stored(name)
    assert email.message is not None
    assert email.quote_start is not None
    assert email.message.text[: email.quote_start].strip() == visible_end
    assert len(email.message.text) > email.quote_start + 10  # the history is still there


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["32-reply-bottom-posted-quotes.eml", "34-forward-inline.eml"])
def test_interleaved_answers_and_forwards_are_not_folded(mailbox: Mailbox, name: str) -> None:
    ingest_files(CORPUS / name)
    assert stored(name).quote_start is None


@pytest.mark.django_db
def test_replies_thread_onto_the_ticket_they_answer(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "01-plain-utf8.eml")
    first = stored("01-plain-utf8.eml")
    summary = ingest_files(CORPUS / "27-reply-gmail.eml", CORPUS / "28-reply-chinese-gmail.eml")
    assert summary["tickets_created"] == 0
    assert stored("27-reply-gmail.eml").ticket_id == first.ticket_id
    assert stored("28-reply-chinese-gmail.eml").ticket_id == first.ticket_id
    assert Ticket.objects.get(pk=first.ticket_id).messages.count() == 3


@pytest.mark.django_db
def test_unknown_ticket_tag_opens_a_new_ticket(mailbox: Mailbox) -> None:
    summary = ingest_files(CORPUS / "33-subject-tag-unknown-ticket.eml")
    assert summary["tickets_created"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "39-auto-submitted.eml",
        "40-precedence-bulk.eml",
        "41-outlook-automatic-reply.eml",
        "42-chinese-auto-reply.eml",
    ],
)
def test_auto_replies_are_kept_and_marked_automated(mailbox: Mailbox, name: str) -> None:
    ingest_files(CORPUS / name)
    email = stored(name)
    assert email.kind == MailKind.AUTO_REPLY
    # No automatic mail of ours answers it: nothing was queued for sending.
    assert not EmailMessage.objects.filter(direction="out").exists()


@pytest.mark.django_db
def test_unmatched_bounce_opens_no_ticket_and_marks_no_address(mailbox: Mailbox) -> None:
    # A report that concerns none of our emails could be forged by anyone: it is kept, but
    # marks no address bouncing.
    before = Ticket.objects.count()
    summary = ingest_files(
        CORPUS / "36-dsn-rfc3464-failed.eml", CORPUS / "38-bounce-prose-qmail.eml"
    )
    assert summary["accepted"] == 2
    assert summary["tickets_created"] == 0
    assert Ticket.objects.count() == before
    assert not EmailAddress.objects.filter(status=AddressStatus.BOUNCING).exists()
    assert EmailMessage.objects.filter(kind=MailKind.BOUNCE, ticket__isnull=True).count() == 2


@pytest.mark.django_db
def test_delayed_report_does_not_mark_bouncing(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "37-dsn-delayed.eml")
    assert not EmailAddress.objects.filter(address="slow@example.org").exists()
    assert (
        EmailMessage.objects.get(kind=MailKind.BOUNCE).in_reply_to
        == "<outbound-delayed@desk.example>"
    )


@pytest.mark.django_db
def test_message_without_sender_or_id_is_kept_with_flags(mailbox: Mailbox) -> None:
    path = CORPUS / "46-no-from-no-message-id.eml"
    assert ingest_files(path)["accepted"] == 1
    email = EmailMessage.objects.get(subject="Who am I")
    assert email.parse_problems == ["no_sender"]
    assert email.dedupe_key is not None
    assert email.dedupe_key.startswith("sha256:")
    assert ingest_files(path)["duplicates"] == 1


@pytest.mark.django_db
def test_mbox_and_box_files(mailbox: Mailbox) -> None:
    summary = ingest_files(CORPUS / "51-three-messages.mbox", CORPUS / "52-two-messages.box")
    assert (summary["accepted"], summary["tickets_created"]) == (5, 5)
    texts = sorted(Message.objects.filter(channel="email").values_list("text", flat=True))
    assert texts[0] == "Message 0 from an mbox file.\n>From the start of a line."
    assert "来自 box 文件的第 1 封邮件。" in texts


@pytest.mark.django_db
def test_unknown_mailbox_and_missing_file_are_clear_errors(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active mailbox nobody@desk.example"):
        ingest_files(CORPUS / "01-plain-utf8.eml", mailbox="nobody@desk.example")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("email", "ingest", str(tmp_path / "missing.eml"), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["accepted"], summary["failed"]) == (0, 1)
    assert summary["errors"][0]["file"].endswith("missing.eml")
    assert not EmailMessage.objects.exists()


@pytest.mark.django_db
def test_ticket_goes_to_the_mailbox_team(mailbox: Mailbox) -> None:
    ingest_files(CORPUS / "01-plain-utf8.eml", mailbox=SUPPORT)
    ticket = stored("01-plain-utf8.eml").ticket
    assert ticket is not None
    assert ticket.team_id == mailbox.team_id


@pytest.mark.django_db
def test_a_secret_never_stays_in_the_raw_source(mailbox: Mailbox, tmp_path: Path) -> None:
    words = random_phrase(random.Random(4), "english", 12)
    phrase = " ".join(words)
    raw = (
        f"From: Panic <panic@example.com>\r\nTo: {SUPPORT}\r\nSubject: help {phrase}\r\n"
        "Message-ID: <secret-1@mail.example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + base64.encodebytes(f"My words are:\n{phrase}\n".encode())
    path = tmp_path / "secret.eml"
    path.write_bytes(raw)
    assert ingest_files(path)["accepted"] == 1
    email = EmailMessage.objects.select_related("message", "ticket").get(
        msgid="<secret-1@mail.example.com>"
    )
    assert email.message is not None
    assert email.ticket is not None
    assert email.ticket.is_security_case
    stored_raw = bytes(email.raw)
    assert phrase.encode() not in stored_raw
    assert b"Subject" not in stored_raw
    assert b"base64" not in stored_raw
    assert stored_raw.startswith(b"From: Panic <panic@example.com>\r\nTo: support@desk.example")
    assert phrase not in email.message.text
    assert phrase not in email.subject
    assert email.parse_problems == ["raw_redacted"]


@pytest.mark.django_db
def test_overlong_addresses_and_ids_are_kept_not_failed(mailbox: Mailbox, tmp_path: Path) -> None:
    # A sender address longer than an identity may be: kept under the unknown sender, flagged.
    sender = "x" * 400 + "@example.com"
    path = tmp_path / "long.eml"
    path.write_bytes(
        (
            f"From: {'N' * 300} <{sender}>\r\nTo: {SUPPORT}\r\nSubject: Long\r\n"
            f"Message-ID: <{'m' * 300}@example.com>\r\n"
            f"In-Reply-To: <{'r' * 300}@example.com>\r\n\r\nMy deposit is missing.\r\n"
        ).encode()
    )
    summary = ingest_files(path)
    assert (summary["accepted"], summary["failed"], summary["errors"]) == (1, 0, [])
    email = EmailMessage.objects.select_related("message").get(direction="in")
    assert email.message is not None
    assert email.message.text == "My deposit is missing."
    assert "no_sender" in email.parse_problems


@pytest.mark.django_db
def test_a_secret_in_a_forwarded_email_is_not_kept_in_its_eml_attachment(
    mailbox: Mailbox, tmp_path: Path, agent: Agent, console_for: Callable[[Agent], Client]
) -> None:
    phrase = " ".join(random_phrase(random.Random(5), "english", 12))
    inner = (
        b"From: Me <panic@example.com>\r\nTo: notes@example.com\r\nSubject: backup\r\n"
        b"Message-ID: <inner-secret@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    ) + base64.encodebytes(f"My words are:\n{phrase}\n".encode())
    raw = (
        (
            f"From: Panic <panic@example.com>\r\nTo: {SUPPORT}\r\nSubject: Fw: backup\r\n"
            "Message-ID: <secret-fw@mail.example.com>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="MIX"\r\n\r\n'
            "--MIX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIs this safe?\r\n"
            "--MIX\r\nContent-Type: message/rfc822\r\n"
            'Content-Disposition: attachment; filename="backup.eml"\r\n\r\n'
        ).encode()
        + inner
        + b"\r\n--MIX--\r\n"
    )
    path = tmp_path / "forward-secret.eml"
    path.write_bytes(raw)
    assert ingest_files(path)["accepted"] == 1
    email = EmailMessage.objects.select_related("message", "ticket").get(
        msgid="<secret-fw@mail.example.com>"
    )
    assert email.message is not None
    assert email.ticket is not None
    assert email.ticket.is_security_case
    assert phrase not in email.message.text
    assert not email.message.attachments.exists()
    assert [(p["filename"], p["content_type"]) for p in email.withheld_parts] == [
        ("?", "message/rfc822")
    ]
    assert email.parse_problems == ["raw_redacted"]
    page = console_for(agent).get(f"/tickets/{email.ticket.pk}/").content.decode()
    assert "the email carried a secret, and this part cannot be checked for it" in page
    assert phrase not in page


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["undefined", "punycode"])
def test_a_charset_label_naming_a_codec_that_fails_is_guessed_not_unparseable(
    mailbox: Mailbox, tmp_path: Path, label: str
) -> None:
    # Python knows these labels, but their codecs raise UnicodeError (not UnicodeDecodeError).
    path = tmp_path / "odd-charset.eml"
    path.write_bytes(
        (
            f"From: Li <li@example.com>\r\nTo: {SUPPORT}\r\nSubject: Odd label\r\n"
            "Message-ID: <odd-charset@mail.example.com>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
            f"--B\r\nContent-Type: text/plain; charset={label}\r\n\r\n"
            "My deposit is missing.\r\n"
            '--B\r\nContent-Type: application/pdf; name="receipt.pdf"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + base64.encodebytes(b"%PDF-1.4\n%%EOF\n")
        + b"--B--\r\n"
    )
    assert ingest_files(path)["accepted"] == 1
    email = EmailMessage.objects.select_related("message").get(direction="in")
    assert email.message is not None
    assert email.message.text == "My deposit is missing."
    assert email.parse_problems == ["charset_guessed"]
    assert list(email.message.attachments.values_list("filename", flat=True)) == ["receipt.pdf"]


@pytest.mark.django_db
def test_a_message_the_library_cannot_read_keeps_its_body_not_its_headers(
    mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No input is known to crash the parser today; this stands in for the next library bug.
    from cryptodesk.mail import parser

    def crash(*args: object, **kwargs: object) -> None:
        raise IndexError("library bug")

    monkeypatch.setattr(parser, "parse_message", crash)
    path = tmp_path / "crash.eml"
    path.write_bytes(
        f"From: li@example.com\r\nTo: {SUPPORT}\r\nSubject: Help\r\n"
        "Message-ID: <crash@mail.example.com>\r\n\r\nMy deposit\r\nis missing.\r\n".encode()
    )
    assert ingest_files(path)["accepted"] == 1
    email = EmailMessage.objects.select_related("message").get(direction="in")
    assert email.message is not None
    assert email.message.text == "My deposit\nis missing."
    assert (email.msgid, email.subject) == ("<crash@mail.example.com>", "Help")
    assert "unparseable" in email.parse_problems


@pytest.mark.django_db
# The second pair: one Content-ID is the start of the other.
@pytest.mark.parametrize(("cid_a", "cid_b"), [("ii_a", "ii_b"), ("ii", "ii_b")])
def test_inline_images_with_the_same_name_each_link_to_their_own_attachment(
    mailbox: Mailbox, tmp_path: Path, cid_a: str, cid_b: str
) -> None:
    # Gmail names every pasted image "image.png".
    def image(cid: str, content: bytes) -> bytes:
        return (
            f'--R\r\nContent-Type: image/png; name="image.png"\r\nContent-ID: <{cid}>\r\n'
            'Content-Disposition: inline; filename="image.png"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode() + base64.encodebytes(content)

    path = tmp_path / "two-images.eml"
    path.write_bytes(
        (
            f"From: Li <li@example.com>\r\nTo: {SUPPORT}\r\nSubject: Screenshots\r\n"
            "Message-ID: <two-images@mail.example.com>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/related; boundary="R"\r\n\r\n'
            "--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f'<p>Before <img src="cid:{cid_a}"> after <img src="cid:{cid_b}"></p>\r\n'
        ).encode()
        + image(cid_a, b"\x89PNG\r\n\x1a\nfirst")
        + image(cid_b, b"\x89PNG\r\n\x1a\nsecond one")
        + b"--R--\r\n"
    )
    assert ingest_files(path)["accepted"] == 1
    message = EmailMessage.objects.select_related("message").get(direction="in").message
    assert message is not None
    first, second = message.attachments.order_by("pk")
    assert (first.size, second.size) == (13, 18)
    assert message.html.index(f"/tickets/attachments/{first.pk}/") < message.html.index(
        f"/tickets/attachments/{second.pk}/"
    )
    assert "cid:" not in message.html
