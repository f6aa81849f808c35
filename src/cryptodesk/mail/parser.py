"""Reading one raw RFC 5322 message into what the ticket needs, without ever raising.

The standard library's modern policy (``email.policy.default``) splits the MIME tree; the text
of every header and part is decoded here, by ``charsets.decode_bytes``, because real mail lies
about its charset. Whatever cannot be read cleanly becomes a code in ``ParsedEmail.problems``
(shown to agents, with the raw source one click away) instead of an exception.
"""

from __future__ import annotations

import binascii
import email
import email.errors
import email.header
import email.policy
import email.utils
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from typing import Any

from cryptodesk.mail.charsets import decode_bytes
from cryptodesk.mail.models import MailKind
from cryptodesk.tickets.actions import sanitize_html, text_from_html

MAX_DEPTH = 20
MAX_PARTS = 200
MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
# Codes of parse problems, with the sentence the console shows (translated there).
PROBLEMS = (
    "unparseable",  # the MIME structure could not be read at all: text taken from the raw bytes
    "mime_defect",  # the MIME structure is broken (missing boundary, bad encoding ...)
    "charset_guessed",  # a charset label was missing, wrong or unknown
    "header_undecodable",  # an encoded header could not be decoded exactly
    "no_sender",  # no usable From address
    "empty_body",  # neither text nor HTML
    "truncated",  # text longer than the message limit; the raw source has all of it
    "too_deep",  # more nested parts than we read
    "raw_redacted",  # the guard found a secret: only the addressing headers of the raw are kept
)
AUTO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response)|out of (the )?office|自动回复|自動回覆|自動回复|"
    r"autoreply|abwesenheitsnotiz|r[ée]ponse automatique)",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery (status notification|failure|has failed)|returned mail|"
    r"mail delivery failed|failure notice|退信|投递失败|無法傳遞|无法投递)",
    re.IGNORECASE,
)
DAEMON_LOCALPARTS = {"mailer-daemon", "postmaster", "mail-daemon"}
ADDRESS_IN_TEXT = re.compile(r"<?([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,})>?")
STATUS_IN_TEXT = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
MESSAGE_ID_IN_TEXT = re.compile(r"^Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass
class MailPart:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class Recipient:
    address: str
    action: str
    status: str
    diagnostic: str


@dataclass
class DeliveryReport:
    recipients: list[Recipient] = field(default_factory=list)
    original_message_id: str = ""
    original_references: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Recipient]:
        return [r for r in self.recipients if r.action == "failed" or r.status.startswith("5")]


@dataclass
class ParsedEmail:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to_addresses: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    parts: list[MailPart] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kind: str = MailKind.NORMAL
    report: DeliveryReport | None = None
    forwarded: list[str] = field(default_factory=list)

    def problem(self, code: str) -> None:
        if code not in self.problems:
            self.problems.append(code)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, the most direct first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return ids


# --- headers -------------------------------------------------------------------------------


def unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def raw_header(msg: MimeMessage, name: str) -> str:
    """The header's source text (first occurrence), unfolded; '' when missing."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return unfold(str(value))
    return ""


def decode_header_text(value: str, parsed: ParsedEmail) -> str:
    """RFC 2047 encoded words and raw 8-bit bytes, each through the forgiving decoder."""
    value = decode_raw_8bit(value, parsed)
    if "=?" not in value:
        return value
    try:
        chunks = email.header.decode_header(value)
    except (email.errors.HeaderParseError, binascii.Error, ValueError):
        parsed.problem("header_undecodable")
        return value
    pieces: list[str] = []
    previous_encoded = False
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            text, encoded = chunk, False
        elif charset is None:
            text, encoded = chunk.decode("ascii", errors="replace"), False
        else:
            decoded = decode_bytes(chunk, charset)
            if decoded.guessed:
                parsed.problem("charset_guessed")
            text, encoded = decoded.text, True
        # decode_header drops the space between an encoded word and plain text around it.
        if pieces and (encoded or previous_encoded) and not (encoded and previous_encoded):
            if not pieces[-1].endswith(" ") and not text.startswith(" "):
                pieces.append(" ")
        pieces.append(text)
        previous_encoded = encoded
    return "".join(pieces).strip()


def message_ids(value: str) -> list[str]:
    found = MESSAGE_ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return [f"<{item}>" for item in found if item]


def addresses(value: str, parsed: ParsedEmail) -> list[tuple[str, str]]:
    pairs = email.utils.getaddresses([value])
    result = []
    for name, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" not in address:
            continue
        result.append((decode_header_text(name, parsed).strip().strip('"'), address))
    return result


# --- bodies --------------------------------------------------------------------------------


def part_bytes(part: MimeMessage, parsed: ParsedEmail) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, binascii.Error, AssertionError):
        parsed.problem("mime_defect")
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def part_text(part: MimeMessage, parsed: ParsedEmail) -> str:
    decoded = decode_bytes(part_bytes(part, parsed), part.get_content_charset())
    if decoded.guessed:
        parsed.problem("charset_guessed")
    return decoded.text


def part_filename(part: MimeMessage, parsed: ParsedEmail, index: int) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except (ValueError, LookupError, TypeError, email.errors.MessageError):
        parsed.problem("header_undecodable")
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value the library left undecoded
        name = decode_bytes(str(name[2]).encode("latin-1", "replace"), name[0]).text
    name = decode_header_text(unfold(str(name)), parsed) if name else ""
    if not name:
        ctype = part.get_content_type()
        extension = mimetypes.guess_extension(ctype) or ".bin"
        if ctype == "message/rfc822":
            extension = ".eml"
        name = f"part-{index}{extension}"
    return name


def content_type(part: MimeMessage, parsed: ParsedEmail) -> str:
    ctype = part.get_content_type()
    if part.defects:
        parsed.problem("mime_defect")
    return ctype


def walk(
    part: MimeMessage, parsed: ParsedEmail, texts: list[str], htmls: list[str], depth: int
) -> None:
    if depth > MAX_DEPTH or len(parsed.parts) > MAX_PARTS:
        parsed.problem("too_deep")
        return
    ctype = content_type(part, parsed)
    disposition = part.get_content_disposition()
    if ctype == "message/delivery-status":
        parsed.report = parsed.report or DeliveryReport()
        read_delivery_status(part, parsed.report, parsed)
        return
    if ctype in ("message/rfc822", "text/rfc822-headers") and parsed.report is not None:
        read_original(part, parsed.report)
        if ctype == "text/rfc822-headers":
            return
    if ctype == "message/rfc822":
        attach_forwarded(part, parsed, texts, depth)
        return
    if part.is_multipart():
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, MimeMessage):
                    walk(sub, parsed, texts, htmls, depth + 1)
        return
    has_name = bool(
        part.get_param("name") or part.get_param("filename", header="content-disposition")
    )
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not has_name:
        (texts if ctype == "text/plain" else htmls).append(part_text(part, parsed))
        return
    content = part_bytes(part, parsed)
    content_id = unfold(str(part.get("Content-ID", "") or "")).strip("<> ")
    parsed.parts.append(
        MailPart(
            filename=part_filename(part, parsed, len(parsed.parts) + 1),
            content_type=ctype,
            content=content,
            content_id=content_id,
            inline=disposition != "attachment" and bool(content_id),
        )
    )


def attach_forwarded(part: MimeMessage, parsed: ParsedEmail, texts: list[str], depth: int) -> None:
    """A message forwarded as an attachment: kept as an .eml file, and its sender, subject and
    text shown in the body so an agent reads it without opening anything."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, MimeMessage):
        return
    try:
        inner_raw = inner.as_bytes(policy=email.policy.SMTP)
    except (TypeError, ValueError, LookupError, UnicodeError):
        inner_raw = part_bytes(part, parsed)
    nested = parse_message(inner, depth + 1)
    for code in nested.problems:
        parsed.problem(code)
    lines = ["---------- Forwarded message ----------"]
    if nested.from_address:
        lines.append(
            f"From: {nested.from_name} <{nested.from_address}>".replace("From:  <", "From: <")
        )
    if nested.subject:
        lines.append(f"Subject: {nested.subject}")
    summary = "\n".join([*lines, "", nested.text])
    texts.append(summary)
    parsed.forwarded.append(nested.subject)
    filename = part_filename(part, parsed, len(parsed.parts) + 1)
    if not filename.lower().endswith(".eml"):
        filename = f"{filename}.eml"
    parsed.parts.append(
        MailPart(filename=filename, content_type="message/rfc822", content=inner_raw)
    )


def read_delivery_status(part: MimeMessage, report: DeliveryReport, parsed: ParsedEmail) -> None:
    payload = part.get_payload()
    blocks: list[Any] = payload if isinstance(payload, list) else []
    if not blocks:
        # Some servers base64-encode the status part: read its fields from the decoded text.
        text = part_text(part, parsed)
        blocks = [email.message_from_string(chunk) for chunk in re.split(r"\r?\n\r?\n", text)]
    for block in blocks:
        if not isinstance(block, MimeMessage):
            continue
        final = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", "") or "")
        if not final:
            continue
        address = final.split(";", 1)[-1].strip().strip("<>").lower()
        report.recipients.append(
            Recipient(
                address=address,
                action=str(block.get("Action", "") or "").strip().lower(),
                status=str(block.get("Status", "") or "").strip().split(" ")[0],
                diagnostic=unfold(str(block.get("Diagnostic-Code", "") or ""))[:1000],
            )
        )


def read_original(part: MimeMessage, report: DeliveryReport) -> None:
    if part.get_content_type() == "text/rfc822-headers":
        raw = part.get_payload(decode=True)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(part.get_payload())
        original: MimeMessage = email.message_from_string(text, policy=email.policy.compat32)
    else:
        payload = part.get_payload()
        if not (isinstance(payload, list) and payload and isinstance(payload[0], MimeMessage)):
            return
        original = payload[0]
    mid = message_ids(raw_header(original, "Message-ID"))
    if mid and not report.original_message_id:
        report.original_message_id = mid[0]
        report.original_references = message_ids(raw_header(original, "References"))


# --- classification ------------------------------------------------------------------------


def classify(msg: MimeMessage, parsed: ParsedEmail, envelope_from: str | None) -> str:
    local = parsed.from_address.partition("@")[0]
    ctype = msg.get_content_type()
    is_report = ctype == "multipart/report" and str(
        msg.get_param("report-type", "") or ""
    ).lower() in ("delivery-status", "")
    if parsed.report is not None and (is_report or parsed.report.recipients):
        return MailKind.BOUNCE
    if local in DAEMON_LOCALPARTS or envelope_from == "":
        if BOUNCE_SUBJECT.search(parsed.subject):
            parsed.report = guess_report(parsed)
            return MailKind.BOUNCE
        return MailKind.AUTO_REPLY
    auto_submitted = raw_header(msg, "Auto-Submitted").lower()
    precedence = raw_header(msg, "Precedence").lower()
    if (auto_submitted and not auto_submitted.startswith("no")) or precedence in (
        "bulk",
        "junk",
        "list",
        "auto_reply",
    ):
        return MailKind.AUTO_REPLY
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-AutoReply-From"):
        if raw_header(msg, name):
            return MailKind.AUTO_REPLY
    if raw_header(msg, "List-Id") or raw_header(msg, "List-Unsubscribe"):
        return MailKind.AUTO_REPLY
    if AUTO_SUBJECT.match(parsed.subject):
        return MailKind.AUTO_REPLY
    return MailKind.NORMAL


def guess_report(parsed: ParsedEmail) -> DeliveryReport:
    """A bounce written as prose (no machine-readable report): the failed address, status and
    original Message-ID are read from its text."""
    report = DeliveryReport()
    text = parsed.text
    mid = MESSAGE_ID_IN_TEXT.search(text)
    if mid:
        report.original_message_id = mid.group(1)
    status = STATUS_IN_TEXT.search(text)
    for match in ADDRESS_IN_TEXT.finditer(text):
        address = match.group(1).lower()
        if address.partition("@")[0] in DAEMON_LOCALPARTS or address == parsed.from_address:
            continue
        report.recipients.append(
            Recipient(
                address=address,
                action="failed",
                status=status.group(1) if status else "5.0.0",
                diagnostic=text.strip()[:500],
            )
        )
        break
    return report


# --- the whole message ---------------------------------------------------------------------


def parse_message(
    msg: MimeMessage, depth: int = 0, envelope_from: str | None = None
) -> ParsedEmail:
    parsed = ParsedEmail()
    if msg.defects:
        parsed.problem("mime_defect")
    parsed.message_id = (message_ids(raw_header(msg, "Message-ID")) or [""])[0]
    parsed.in_reply_to = (message_ids(raw_header(msg, "In-Reply-To")) or [""])[0]
    parsed.references = message_ids(raw_header(msg, "References"))[-50:]
    subject = decode_header_text(raw_header(msg, "Subject"), parsed)
    parsed.subject = unicodedata.normalize("NFC", " ".join(subject.split()))
    senders = addresses(decode_raw_8bit(raw_header(msg, "From"), parsed), parsed)
    if not senders:
        senders = addresses(decode_raw_8bit(raw_header(msg, "Sender"), parsed), parsed)
    if not senders:
        senders = addresses(decode_raw_8bit(raw_header(msg, "Reply-To"), parsed), parsed)
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    elif envelope_from:
        parsed.from_address = envelope_from.lower()
    recipients: list[str] = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To"):
        for _name, address in addresses(decode_raw_8bit(raw_header(msg, name), parsed), parsed):
            if address not in recipients:
                recipients.append(address)
    parsed.to_addresses = recipients[:100]
    texts: list[str] = []
    htmls: list[str] = []
    walk(msg, parsed, texts, htmls, depth)
    parsed.text = "\n\n".join(t.strip("\r\n") for t in texts if t.strip()).replace("\r\n", "\n")
    parsed.html = "\n".join(h for h in htmls if h.strip())
    if not parsed.text.strip() and parsed.html:
        parsed.text = text_from_html(sanitize_html(parsed.html))
    parsed.kind = classify(msg, parsed, envelope_from)
    return parsed


def decode_raw_8bit(value: str, parsed: ParsedEmail) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        decoded = decode_bytes(value.encode("ascii", "surrogateescape"), None)
        if decoded.guessed:
            parsed.problem("charset_guessed")
        return decoded.text
    return value


def parse_email(raw: bytes, envelope_from: str | None = None) -> ParsedEmail:
    """Parse raw bytes; never raises. A message the library cannot read at all keeps its text
    (decoded as well as possible) and the problem ``unparseable``."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        return parse_message(msg, envelope_from=envelope_from)
    except Exception:  # noqa: BLE001 - any library failure on hostile input becomes a flag
        parsed = ParsedEmail(from_address=(envelope_from or "").lower())
        parsed.problem("unparseable")
        head, _sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        parsed.text = decode_bytes(body or head, None).text
        for line in head.decode("latin-1").splitlines():
            key, _colon, value = line.partition(":")
            if key.lower() == "message-id":
                parsed.message_id = (message_ids(value) or [""])[0]
            elif key.lower() == "subject":
                parsed.subject = value.strip()[:300]
        return parsed
