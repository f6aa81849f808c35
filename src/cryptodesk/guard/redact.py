"""Redact secrets in place, and the "guard" stage of the message path built on it.

``guard_message`` returns a message in which no part a customer wrote (text, subject, HTML,
attachment names and text attachments, sender name) still holds a secret. Its findings are
listed part by part in that order; each finding's offsets refer to the part it was found in
(for the HTML part: to its visible text, see :func:`redact_html`).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Final

from cryptodesk.guard.detectors import find_secrets
from cryptodesk.tickets.pipeline import Finding, Guarded, InboundAttachment, InboundMessage

_TEXT_EXTENSIONS: Final = frozenset({".txt", ".text", ".csv", ".tsv", ".json", ".log", ".md"})
_TEXT_CONTENT_TYPES: Final = frozenset({"application/json", "application/csv"})
# Tags that start a new line when rendered, so words on either side are separate words.
_BLOCK_TAGS: Final = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 "
    "h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul "
    "caption option".split()
)
_INVISIBLE_TAGS: Final = frozenset({"script", "style", "template", "noscript"})
_WHITESPACE_RE: Final = re.compile(r"\s+")


def marker(kind: str) -> str:
    return f"[redacted: {kind}]"


def redact_text(text: str) -> tuple[str, list[Finding]]:
    findings = find_secrets(text)
    return apply_redactions(text, findings), findings


def apply_redactions(text: str, findings: list[Finding]) -> str:
    """``text`` with each (sorted, non-overlapping) finding replaced by its marker."""
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces += [text[position : finding.start], marker(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def guard_message(message: InboundMessage) -> Guarded:
    """The pipeline's "guard" stage: the message without secrets, and what was removed."""
    text, text_findings = redact_text(message.text)
    subject, subject_findings = redact_text(message.subject)
    html_body, html_findings = redact_html(message.html)
    attachments, attachment_findings = _redact_attachments(message.attachments)
    sender_name, sender_findings = redact_text(message.sender.name)
    findings = (
        text_findings + subject_findings + html_findings + attachment_findings + sender_findings
    )
    if not findings:
        return Guarded(message=message)
    sender = replace(message.sender, name=sender_name) if sender_findings else message.sender
    redacted = message.with_changes(
        text=text, subject=subject, html=html_body, attachments=attachments, sender=sender
    )
    return Guarded(message=redacted, findings=tuple(findings))


# --- HTML ----------------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """The text a reader of the HTML sees, block boundaries as line breaks; and apart, the text
    that is stored with it unseen (attribute values, comments, scripts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.hidden: list[str] = []
        self.hidden_depth = 0
        self.preformatted_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += [value for _name, value in attrs if value]
        if tag in _INVISIBLE_TAGS:
            self.hidden_depth += 1
        elif tag == "pre":
            self.preformatted_depth += 1
        if tag in _BLOCK_TAGS:
            self.visible.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += [value for _name, value in attrs if value]
        if tag in _BLOCK_TAGS:
            self.visible.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag == "pre":
            self.preformatted_depth = max(0, self.preformatted_depth - 1)
        if tag in _BLOCK_TAGS:
            self.visible.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            self.hidden.append(data)
        elif self.preformatted_depth:
            self.visible.append(data)
        else:
            # Browsers collapse white space outside <pre>; so does the text we check.
            self.visible.append(_WHITESPACE_RE.sub(" ", data))

    def handle_comment(self, data: str) -> None:
        self.hidden.append(data)

    def visible_text(self) -> str:
        lines = "".join(self.visible).split("\n")
        return "\n".join(line.strip() for line in lines if line.strip())

    def hidden_text(self) -> str:
        return "\n".join(self.hidden)


def render_text_as_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>\n")


def redact_html(markup: str) -> tuple[str, list[Finding]]:
    """Redact an HTML body; a secret split across tags or hidden in markup is caught too.

    Rewriting text nodes in place cannot remove a phrase whose words sit in different elements,
    so when anything is found the body is replaced by the redacted visible text, escaped. The
    findings refer to the visible text, or to the hidden text (attribute values, comments and
    scripts, one per line) when only that held a secret.
    """
    if not markup:
        return markup, []
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = parser.visible_text()
    findings = find_secrets(text)
    hidden_findings = [] if findings else find_secrets(parser.hidden_text())
    if not findings and not hidden_findings:
        return markup, []
    return render_text_as_html(apply_redactions(text, findings)), findings or hidden_findings


# --- Attachments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _DecodedText:
    text: str
    encoding: str


def _redact_attachments(
    attachments: tuple[InboundAttachment, ...],
) -> tuple[tuple[InboundAttachment, ...], list[Finding]]:
    redacted: list[InboundAttachment] = []
    findings: list[Finding] = []
    for attachment in attachments:
        filename, name_findings = redact_text(attachment.filename)
        content, content_findings = _redact_content(attachment)
        findings += name_findings + content_findings
        if name_findings or content_findings:
            attachment = InboundAttachment(filename, attachment.content_type, content)
        redacted.append(attachment)
    return tuple(redacted), findings


def _redact_content(attachment: InboundAttachment) -> tuple[bytes, list[Finding]]:
    if not _is_text_attachment(attachment):
        return attachment.content, []
    decoded = _decode(attachment.content)
    if decoded is None:
        return attachment.content, []
    text, findings = redact_text(decoded.text)
    if not findings:
        return attachment.content, []
    return text.encode(decoded.encoding), findings


def _is_text_attachment(attachment: InboundAttachment) -> bool:
    content_type = attachment.content_type.split(";")[0].strip().lower()
    extension = os.path.splitext(attachment.filename)[1].lower()
    return (
        content_type.startswith("text/")
        or content_type in _TEXT_CONTENT_TYPES
        or extension in _TEXT_EXTENSIONS
    )


def _decode(content: bytes) -> _DecodedText | None:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 as Chinese Windows saves it."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    elif content.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return _DecodedText(content.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    return None
