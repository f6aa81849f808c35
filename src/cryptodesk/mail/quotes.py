"""Finding where the quoted history of a reply starts, so the console can fold it away.

The text itself is never cut: the ticket keeps all of it (the guard has seen all of it), and
the display shows the new part with the history behind a toggle. A forwarded message is the
customer's content, not history, and is never folded.
"""

from __future__ import annotations

import re

# A line that opens the quoted history (mail clients in English and Chinese).
ATTRIBUTION = re.compile(
    r"""^(
        On\s.{1,250}\swrote:\s*$                                 # Gmail, Apple Mail, Thunderbird
      | Le\s.{1,250}\sa\s[ée]crit\s?:\s*$
      | Am\s.{1,250}\sschrieb\s.{0,100}:\s*$
      | 在\s?.{1,250}写道\s?[:：]?\s*$                         # Gmail / Apple Mail, Simplified
      | 於\s?.{1,250}寫道\s?[:：]?\s*$                         # Traditional
      | 在\s?.{1,250}寫道\s?[:：]?\s*$
      | -{2,}\s*Original\s+Message\s*-{2,}\s*$                # Outlook (plain text)
      | -{2,}\s*原始邮件\s*-{2,}\s*$                          # QQ Mail / Foxmail
      | -{2,}\s*原始郵件\s*-{2,}\s*$
      | -{2,}\s*Original\s*-{2,}\s*$                           # Foxmail (English UI)
      | -{2,}\s*Reply\s+message\s*-{2,}\s*$
      | _{10,}\s*$                                             # Outlook web: a rule, then From:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Outlook's quoted header block: "From:" then "Sent:"/"Date:" within the next few lines.
HEADER_FROM = re.compile(r"^\*?(From|发件人|寄件者|寄件人)\s*\*?\s*[:：]", re.IGNORECASE)
HEADER_SENT = re.compile(
    r"^\*?(Sent|Date|发送时间|日期|時間|寄件日期|傳送時間)\s*\*?\s*[:：]", re.IGNORECASE
)
FORWARD = re.compile(
    r"^-{2,}\s*(Forwarded message|Begin forwarded message|转发的邮件|轉寄的郵件|"
    r"Forwarded Message)\s*-{0,}\s*:?\s*$",
    re.IGNORECASE,
)


def quote_start(text: str) -> int | None:
    """The character offset where the quoted history begins, or None when there is none (or
    when nothing new would be left above it)."""
    lines = text.splitlines(keepends=True)
    offsets: list[int] = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line)
    stripped = [line.strip() for line in lines]
    for index, line in enumerate(stripped):
        if FORWARD.match(line):
            return None
        joined = f"{line} {stripped[index + 1]}" if index + 1 < len(stripped) else line
        if ATTRIBUTION.match(line) or (
            line.startswith(("On ", "在", "於")) and ATTRIBUTION.match(joined)
        ):
            return _if_something_above(text, offsets[index])
        if HEADER_FROM.match(line) and any(
            HEADER_SENT.match(following) for following in stripped[index + 1 : index + 5]
        ):
            return _if_something_above(text, offsets[index])
    return _trailing_quote_block(text, stripped, offsets)


def _trailing_quote_block(text: str, stripped: list[str], offsets: list[int]) -> int | None:
    """A block of "> " lines at the end (a top-posted reply quoting with markers)."""
    end = len(stripped)
    while end and not stripped[end - 1]:
        end -= 1
    start = end
    while start and (stripped[start - 1].startswith(">") or not stripped[start - 1]):
        start -= 1
    while start < end and not stripped[start]:
        start += 1
    if start >= end or not stripped[start].startswith(">"):
        return None
    return _if_something_above(text, offsets[start])


def _if_something_above(text: str, offset: int) -> int | None:
    return offset if text[:offset].strip() else None
