"""Redaction, and the "guard" stage applied to every part of an inbound message."""

from __future__ import annotations

import random
from typing import Any

from cryptodesk.guard.redact import guard_message, redact_text
from cryptodesk.guard.samples import hex_private_key, random_phrase, wif
from cryptodesk.tickets.pipeline import Finding, InboundAttachment, InboundMessage, Sender

RNG = random.Random(31)
WORDS = random_phrase(RNG, "english", 12)
PHRASE = " ".join(WORDS)
ZH_PHRASE = "".join(random_phrase(RNG, "chinese_simplified", 12))
HEX_KEY = hex_private_key(RNG)
WIF = wif(RNG.randbytes(32))
PHRASE_MARKER = "[redacted: recovery phrase]"
KEY_MARKER = "[redacted: private key]"


def message(text: str = "My deposit has not arrived.", **parts: Any) -> InboundMessage:
    sender = parts.pop("sender", Sender(kind="email", value="wei@example.com", name="Wei"))
    return InboundMessage(channel="email", sender=sender, text=text, **parts)


def test_redact_text_puts_a_typed_marker_in_place() -> None:
    text = f"words: {PHRASE}\nmy key: {HEX_KEY} thanks"
    redacted, findings = redact_text(text)
    assert redacted == f"words: {PHRASE_MARKER}\nmy key: {KEY_MARKER} thanks"
    assert findings == [
        Finding("recovery phrase", 7, 7 + len(PHRASE)),
        Finding("private key", text.index(HEX_KEY), text.index(HEX_KEY) + 64),
    ]


def test_redact_text_without_secrets_returns_the_text() -> None:
    assert redact_text("nothing to see") == ("nothing to see", [])


def test_an_ordinary_message_passes_unchanged() -> None:
    inbound = message(html="<p>My deposit has not arrived.</p>", subject="Deposit")
    guarded = guard_message(inbound)
    assert guarded.message is inbound
    assert guarded.findings == ()
    assert not guarded.is_security_case


def test_text_and_subject_are_redacted() -> None:
    inbound = message(f"Help!\n{ZH_PHRASE}\n", subject=f"my words {PHRASE}")
    guarded = guard_message(inbound)
    assert guarded.message.text == f"Help!\n{PHRASE_MARKER}\n"
    assert guarded.message.subject == f"my words {PHRASE_MARKER}"
    assert guarded.findings == (
        Finding("recovery phrase", 6, 6 + len(ZH_PHRASE)),
        Finding("recovery phrase", 9, 9 + len(PHRASE)),
    )
    assert guarded.is_security_case


def test_a_phrase_split_across_html_elements_is_caught() -> None:
    items = "".join(f"<li><b>{word}</b></li>" for word in WORDS)
    html = f"<div>Hi <i>Bob</i>,</div><ol>{items}</ol><p>Thanks &amp; regards</p>"
    guarded = guard_message(message(html=html))
    assert guarded.message.html == f"Hi Bob,<br>\n{PHRASE_MARKER}<br>\nThanks &amp; regards"
    visible_start = len("Hi Bob,\n")
    assert guarded.findings == (
        Finding("recovery phrase", visible_start, visible_start + len("\n".join(WORDS))),
    )


def test_a_phrase_split_by_inline_tags_inside_words_is_caught() -> None:
    html = "<p>" + " ".join(f"{word[:2]}<span>{word[2:]}</span>" for word in WORDS) + "</p>"
    guarded = guard_message(message(html=html))
    assert guarded.message.html == PHRASE_MARKER


def test_a_secret_hidden_in_html_markup_is_removed_with_the_markup() -> None:
    html = f'<p title="{PHRASE}">Please <a href="https://example.com/?k={WIF}">check</a>.</p>'
    guarded = guard_message(message(html=html))
    assert guarded.message.html == "Please check."
    assert [finding.kind for finding in guarded.findings] == ["recovery phrase", "private key"]


def test_a_secret_in_a_comment_or_script_is_removed_with_them() -> None:
    html = f"<p>Hi</p><!-- {WIF} --><script>const privateKey = '{HEX_KEY}';</script>"
    guarded = guard_message(message(html=html))
    assert guarded.message.html == "Hi"
    hidden = f" {WIF} \nconst privateKey = '{HEX_KEY}';"
    assert guarded.findings == (
        Finding("private key", 1, 1 + len(WIF)),
        Finding("private key", hidden.index(HEX_KEY), hidden.index(HEX_KEY) + 64),
    )


def test_html_rendering_escapes_the_text() -> None:
    html = f"<p>&lt;script&gt;alert(1)&lt;/script&gt; private key {HEX_KEY}</p>"
    guarded = guard_message(message(html=html))
    assert guarded.message.html == f"&lt;script&gt;alert(1)&lt;/script&gt; private key {KEY_MARKER}"


def test_attachment_names_and_text_attachments_are_redacted() -> None:
    notes = InboundAttachment(f"{WIF}.txt", "text/plain", f"backup\n{PHRASE}\n".encode())
    image = InboundAttachment("screenshot.png", "image/png", b"\x89PNG\r\n" + PHRASE.encode())
    guarded = guard_message(message(attachments=(notes, image)))
    assert guarded.message.attachments == (
        InboundAttachment(f"{KEY_MARKER}.txt", "text/plain", f"backup\n{PHRASE_MARKER}\n".encode()),
        image,  # not text: the channel's own checks decide about binary files
    )
    assert guarded.findings == (
        Finding("private key", 0, len(WIF)),
        Finding("recovery phrase", 7, 7 + len(PHRASE)),
    )


def test_text_attachments_keep_their_encoding() -> None:
    utf16 = InboundAttachment(
        "keys.csv", "application/octet-stream", f"a,{ZH_PHRASE}".encode("utf-16")
    )
    gbk = InboundAttachment(
        "记录.log", "application/octet-stream", f"助记词：{ZH_PHRASE}".encode("gb18030")
    )
    sig = InboundAttachment("export.json", "application/json", f'\ufeff["{PHRASE}"]'.encode())
    guarded = guard_message(message(attachments=(utf16, gbk, sig)))
    contents = [attachment.content for attachment in guarded.message.attachments]
    assert contents == [
        f"a,{PHRASE_MARKER}".encode("utf-16"),
        f"助记词：{PHRASE_MARKER}".encode("gb18030"),
        f'\ufeff["{PHRASE_MARKER}"]'.encode(),
    ]


def test_the_sender_name_is_redacted() -> None:
    sender = Sender(kind="telegram", value="12345", name=PHRASE)
    guarded = guard_message(message(sender=sender))
    assert guarded.message.sender == Sender(kind="telegram", value="12345", name=PHRASE_MARKER)


def test_no_secret_is_left_anywhere_in_the_guarded_message() -> None:
    inbound = message(
        f"{PHRASE} and {WIF}",
        subject=f"private key {HEX_KEY}",
        html=f"<p>{ZH_PHRASE}</p><img alt='{PHRASE}'>",
        attachments=(InboundAttachment(f"{PHRASE}.txt", "text/plain", WIF.encode()),),
        sender=Sender(kind="email", value="wei@example.com", name=WIF),
    )
    guarded = guard_message(inbound)
    everything = repr(guarded.message)
    for secret in (" ".join(WORDS[:3]), ZH_PHRASE[:6], WIF, HEX_KEY):
        assert secret not in everything
    assert len(guarded.findings) == 7
