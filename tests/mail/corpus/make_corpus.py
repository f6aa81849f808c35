# ruff: noqa: E501 - raw message text reads better unwrapped
"""Writes the raw test corpus of tests/mail/corpus/ (the files are committed; run this only to
change them: ``python tests/mail/corpus/make_corpus.py``).

Every message is built byte by byte, not with the email package, so the corpus carries what
real mail carries: wrong charset labels, raw 8-bit headers, broken MIME. Each file's intent is
in its name; ``tests/mail/test_corpus.py`` holds what we expect of each.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE = "Date: Tue, 24 Nov 2026 09:15:00 +0800"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data)


def enc_word(text: str, charset: str, mode: str = "B") -> str:
    raw = text.encode(charset)
    if mode == "B":
        return f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    quoted = "".join(
        chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else f"={b:02X}" for b in raw
    )
    return f"=?{charset}?Q?{quoted}?="


def message(
    headers: list[str], body: bytes, *, sender: str = "Wei Zhang <wei.zhang@example.com>"
) -> bytes:
    head = [f"From: {sender}", "To: support@desk.example", DATE, *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body


def text_part(
    body: bytes, charset: str = "utf-8", encoding: str = "8bit", subtype: str = "plain"
) -> bytes:
    return (
        f"Content-Type: text/{subtype}; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode() + body


def multipart(subtype: str, boundary: str, parts: list[bytes], extra: str = "") -> bytes:
    out = b"This is a multi-part message in MIME format.\r\n"
    for part in parts:
        out += f"\r\n--{boundary}\r\n".encode() + part
    return out + f"\r\n--{boundary}--\r\n".encode()


def mp_header(subtype: str, boundary: str, extra: str = "") -> list[str]:
    return ["MIME-Version: 1.0", f'Content-Type: multipart/{subtype}; boundary="{boundary}"{extra}']


def attachment(name_header: str, ctype: str, data: bytes, inline_cid: str = "") -> bytes:
    disposition = "inline" if inline_cid else "attachment"
    head = f"Content-Type: {ctype}; {name_header.replace('filename', 'name', 1)}\r\n"
    head += f"Content-Disposition: {disposition}; {name_header}\r\n"
    if inline_cid:
        head += f"Content-ID: <{inline_cid}>\r\n"
    head += "Content-Transfer-Encoding: base64\r\n\r\n"
    return head.encode() + b64(data)


def corpus() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    mid = "Message-ID: <{}@mail.example.com>".format
    plain = (
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset={}\r\nContent-Transfer-Encoding: {}"
    )

    def simple(name: str, subject: str, body: bytes, charset: str, enc: str = "8bit") -> None:
        files[name] = message(
            [f"Subject: {subject}", mid(name), *plain.format(charset, enc).split("\r\n")], body
        )

    # --- charsets ---------------------------------------------------------------------------
    simple(
        "01-plain-utf8.eml",
        "USDT deposit missing",
        b"My USDT deposit of 250 USDT on TRON has not arrived after two hours.\r\n",
        "utf-8",
    )
    simple(
        "02-gb2312-label-gbk-chars.eml",
        enc_word("充值未到账", "gb2312"),
        "您好，我的充值还没有到账。我叫王堃，镕。\r\n".encode("gbk"),
        "gb2312",
    )
    simple(
        "03-gb18030.eml",
        enc_word("提现审核", "gb18030"),
        "我的提现一直在审核中，已经三天了。\r\n".encode("gb18030"),
        "gb18030",
    )
    simple(
        "04-gbk-base64.eml",
        enc_word("账户被冻结", "gbk"),
        b64("我的账户被冻结了，请尽快帮我处理。\r\n".encode("gbk")),
        "gbk",
        "base64",
    )
    simple(
        "05-big5-hkscs.eml",
        enc_word("提幣問題", "big5"),
        "您好，我的提幣一直沒有到帳，請幫忙查詢。香港用戶，姓名：陳嘅。\r\n".encode("big5hkscs"),
        "big5",
    )
    simple(
        "06-iso-2022-jp.eml",
        enc_word("入金について", "iso-2022-jp"),
        "入金がまだ反映されていません。確認をお願いします。\r\n".encode("iso-2022-jp"),
        "iso-2022-jp",
        "7bit",
    )
    simple(
        "07-windows-1252.eml",
        "Fee question",
        "The fee was 12\u20ac \u2013 why so \u201chigh\u201d?\r\n".encode("cp1252"),
        "windows-1252",
    )
    simple(
        "08-windows-1251.eml",
        enc_word("Вывод средств", "windows-1251"),
        "Здравствуйте, мой вывод средств не пришёл.\r\n".encode("cp1251"),
        "windows-1251",
    )
    simple(
        "09-latin1-label-utf8-bytes.eml",
        "Cafe\u0301 payment",
        "J'ai payé mais le dépôt n'apparaît pas.\r\n".encode(),
        "iso-8859-1",
    )
    simple(
        "10-unknown-charset-label.eml",
        "Unknown label",
        "Mi depósito no llegó, ¿pueden revisar?\r\n".encode(),
        "x-unknown-foo",
    )
    files["11-no-label-gb18030-bytes.eml"] = message(
        [
            "Subject: no label",
            mid("11"),
            "MIME-Version: 1.0",
            "Content-Type: text/plain",
            "Content-Transfer-Encoding: 8bit",
        ],
        "我的充值没有到账，请帮忙查看一下订单。谢谢！\r\n".encode("gb18030"),
    )
    simple(
        "12-utf8-label-gbk-bytes.eml",
        "wrong label",
        "我的账户无法登录，提示密码错误。\r\n".encode("gbk"),
        "utf-8",
    )
    files["13-rfc2047-mixed-subject.eml"] = message(
        [
            f"Subject: {enc_word('关于', 'gb2312')} {enc_word('提现', 'utf-8', 'Q')} order 42 {enc_word('café', 'iso-8859-1', 'Q')}",
            mid("13"),
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Body text.\r\n",
        sender=f"{enc_word('李小龙', 'gb2312')} <li.xiaolong@example.cn>",
    )
    files["14-raw-8bit-utf8-headers.eml"] = (
        "From: 陈大文 <chan.taiman@example.hk>\r\nTo: support@desk.example\r\n"
        "Subject: 我的提幣沒有到帳\r\n" + DATE + "\r\n" + mid("14") + "\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "請問我的提幣為什麼還沒有到帳？\r\n"
    ).encode()
    simple(
        "15-quoted-printable.eml",
        "Long QP line",
        qp(
            (
                "This is a very long line that must be soft-wrapped by quoted-printable encoding so that we can test the decoder, "
                * 3
                + "naïve café.\r\n"
            ).encode()
        ),
        "utf-8",
        "quoted-printable",
    )
    files["16-big5-encoded-word-subject.eml"] = message(
        [
            f"Subject: {enc_word('帳戶安全', 'big5')}",
            mid("16"),
            *plain.format("big5", "base64").split("\r\n"),
        ],
        b64("有人試圖登入我的帳戶。\r\n".encode("big5")),
    )
    # --- HTML -------------------------------------------------------------------------------
    files["17-html-only.eml"] = message(
        [
            "Subject: HTML only",
            mid("17"),
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=utf-8",
        ],
        b"<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        b'<p>Hello,</p><p>My <b>withdrawal</b> is stuck.<br>Order: <a href="javascript:alert(1)" onclick="x()">W-1001</a></p>'
        b"<div>Thanks</div></body></html>\r\n",
    )
    files["18-html-only-chinese-base64.eml"] = message(
        [
            f"Subject: {enc_word('网页邮件', 'utf-8')}",
            mid("18"),
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=gbk",
            "Content-Transfer-Encoding: base64",
        ],
        b64("<div>您好，</div><div>我的<strong>充值</strong>没有到账。</div>".encode("gbk")),
    )
    files["19-alternative.eml"] = message(
        ["Subject: Alternative parts", mid("19"), *mp_header("alternative", "ALT")],
        multipart(
            "alternative",
            "ALT",
            [
                text_part(b"Plain version of my question."),
                text_part(b"<p>HTML version of my question.</p>", subtype="html"),
            ],
        ),
    )
    files["20-related-cid-image.eml"] = message(
        ["Subject: Screenshot inline", mid("20"), *mp_header("related", "REL")],
        multipart(
            "related",
            "REL",
            [
                text_part(
                    b'<p>See the error:</p><img src="cid:shot1@mail" alt="error">', subtype="html"
                ),
                attachment('filename="image001.png"', "image/png", PNG, inline_cid="shot1@mail"),
            ],
        ),
    )
    # --- attachments ------------------------------------------------------------------------
    files["21-attachment-rfc2231-name.eml"] = message(
        ["Subject: Statement attached", mid("21"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [
                text_part(b"My bank statement is attached."),
                attachment(
                    "filename*=UTF-8''%E9%93%B6%E8%A1%8C%E6%B5%81%E6%B0%B4.pdf",
                    "application/pdf",
                    PDF,
                ),
            ],
        ),
    )
    files["22-attachment-rfc2047-name.eml"] = message(
        ["Subject: Screenshot", mid("22"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [
                text_part(b"Screenshot attached."),
                attachment(f'filename="{enc_word("截图.png", "gb2312")}"', "image/png", PNG),
            ],
        ),
    )
    files["23-attachment-exe-withheld.eml"] = message(
        ["Subject: Tool", mid("23"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [
                text_part(b"Please run this tool to see my problem."),
                attachment('filename="fix.exe"', "application/octet-stream", b"MZ\x90\x00fake"),
                attachment('filename="proof.png"', "image/png", PNG),
            ],
        ),
    )
    files["24-attachment-docx-and-ics.eml"] = message(
        ["Subject: Documents", mid("24"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [
                text_part(b"KYC form and a meeting invite."),
                attachment(
                    'filename="kyc.docx"',
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    b"PK\x03\x04docx",
                ),
                attachment(
                    'filename="call.ics"', "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
                ),
            ],
        ),
    )
    files["25-twelve-attachments.eml"] = message(
        ["Subject: Many screenshots", mid("25"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [text_part(b"Twelve screenshots.")]
            + [
                attachment(f'filename="s{i:02d}.png"', "image/png", PNG + bytes([i]))
                for i in range(12)
            ],
        ),
    )
    files["26-attachment-only-no-text.eml"] = message(
        ["Subject: (no subject)", mid("26"), *mp_header("mixed", "MIX")],
        multipart("mixed", "MIX", [attachment('filename="receipt.pdf"', "application/pdf", PDF)]),
    )
    # --- replies (threading and quote folding) ----------------------------------------------
    reply_head = [
        "In-Reply-To: <01-plain-utf8.eml@mail.example.com>",
        "References: <01-plain-utf8.eml@mail.example.com>",
    ]
    files["27-reply-gmail.eml"] = message(
        [
            "Subject: Re: USDT deposit missing",
            mid("27"),
            *reply_head,
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Here is the transaction hash you asked for.\r\n\r\nOn Tue, Nov 24, 2026 at 9:15 AM Support <support@desk.example> wrote:\r\n> Could you send the transaction hash?\r\n> Thanks\r\n",
    )
    files["28-reply-chinese-gmail.eml"] = message(
        [
            "Subject: 回复: 充值未到账",
            mid("28"),
            *reply_head,
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        "好的，我已经提供了交易哈希。\r\n\r\n在 2026年11月24日周二 09:15，Support <support@desk.example> 写道：\r\n> 请提供交易哈希。\r\n".encode(),
    )
    files["29-reply-outlook-original-message.eml"] = message(
        [
            "Subject: RE: Fee question",
            mid("29"),
            *reply_head,
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Thanks, that answers it.\r\n\r\n-----Original Message-----\r\nFrom: Support <support@desk.example>\r\nSent: Tuesday, November 24, 2026 9:15 AM\r\nSubject: Fee question\r\n\r\nThe fee depends on the network.\r\n",
    )
    files["30-reply-qqmail.eml"] = message(
        ["Subject: 回复：提现审核", mid("30"), *plain.format("utf-8", "8bit").split("\r\n")],
        '收到，谢谢。\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: "Support"<support@desk.example>;\r\n发送时间: 2026年11月24日(星期二) 上午9:15\r\n主题: 提现审核\r\n\r\n您的提现正在审核。\r\n'.encode(),
    )
    files["31-reply-outlook-header-block.eml"] = message(
        ["Subject: RE: Account", mid("31"), *plain.format("utf-8", "8bit").split("\r\n")],
        b"Still locked, please help.\r\n\r\nFrom: Support <support@desk.example>\r\nSent: Tuesday, 24 November 2026 09:15\r\nTo: Wei Zhang\r\nSubject: Account\r\n\r\nPlease try again.\r\n",
    )
    files["32-reply-bottom-posted-quotes.eml"] = message(
        ["Subject: Re: questions", mid("32"), *plain.format("utf-8", "8bit").split("\r\n")],
        b"> Which network did you use?\r\nTRC20.\r\n> Which amount?\r\n250 USDT.\r\n",
    )
    files["33-subject-tag-unknown-ticket.eml"] = message(
        [
            "Subject: Re: [#987654321] old ticket",
            mid("33"),
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Writing about an old case.\r\n",
    )
    # --- forwards ---------------------------------------------------------------------------
    files["34-forward-inline.eml"] = message(
        ["Subject: Fwd: Suspicious email", mid("34"), *plain.format("utf-8", "8bit").split("\r\n")],
        b"Is this really from you?\r\n\r\n---------- Forwarded message ---------\r\nFrom: Desk Support <security@desk-example.co>\r\nDate: Mon, 23 Nov 2026\r\nSubject: Verify your wallet\r\n\r\nClick here to verify your wallet.\r\n",
    )
    inner = message(
        [
            "Subject: Your withdrawal code",
            "Message-ID: <inner-35@phish.example>",
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Enter your code at http://phish.example\r\n",
        sender="Fake Support <support@phish.example>",
    )
    files["35-forward-as-attachment.eml"] = message(
        ["Subject: Fw: phishing?", mid("35"), *mp_header("mixed", "MIX")],
        multipart(
            "mixed",
            "MIX",
            [
                text_part(b"Forwarding a message I got."),
                b'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="phish.eml"\r\n\r\n'
                + inner,
            ],
        ),
    )
    # --- delivery reports -------------------------------------------------------------------
    files["36-dsn-rfc3464-failed.eml"] = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: support@desk.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n" + DATE + "\r\n" + mid("36") + "\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"\r\n\r\n'
        "--DSN\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
        "--DSN\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        "Final-Recipient: rfc822; gone.customer@example.org\r\nOriginal-Recipient: rfc822;gone.customer@example.org\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <gone.customer@example.org>: Recipient address rejected: User unknown\r\n\r\n"
        "--DSN\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: support@desk.example\r\nTo: gone.customer@example.org\r\nSubject: [#1] Your request\r\n"
        "Message-ID: <outbound-original@desk.example>\r\n\r\n--DSN--\r\n"
    ).encode()
    files["37-dsn-delayed.eml"] = (
        "From: postmaster@mx.example.net\r\nTo: support@desk.example\r\nSubject: Delivery Status Notification (Delay)\r\n"
        + DATE
        + "\r\n"
        + mid("37")
        + "\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="DSN2"\r\n\r\n'
        "--DSN2\r\nContent-Type: text/plain\r\n\r\nDelivery is delayed.\r\n"
        "--DSN2\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
        "Final-Recipient: rfc822; slow@example.org\r\nAction: delayed\r\nStatus: 4.4.7\r\n\r\n"
        "--DSN2\r\nContent-Type: message/rfc822\r\n\r\nFrom: support@desk.example\r\nTo: slow@example.org\r\n"
        "Subject: [#1] hello\r\nMessage-ID: <outbound-delayed@desk.example>\r\n\r\nHello\r\n--DSN2--\r\n"
    ).encode()
    files["38-bounce-prose-qmail.eml"] = (
        "From: MAILER-DAEMON@mail.example.org\r\nTo: support@desk.example\r\nSubject: failure notice\r\n"
        + DATE
        + "\r\n"
        + mid("38")
        + "\r\n\r\n"
        "Hi. This is the qmail-send program at mail.example.org.\r\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n"
        "<nobody@example.org>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
        "--- Below this line is a copy of the message.\r\n\r\n"
        "Message-ID: <outbound-prose@desk.example>\r\nSubject: [#1] hi\r\n"
    ).encode()
    # --- automatic mail ---------------------------------------------------------------------
    files["39-auto-submitted.eml"] = message(
        [
            "Subject: Re: Your request",
            mid("39"),
            "Auto-Submitted: auto-replied",
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"I am travelling until Monday.\r\n",
    )
    files["40-precedence-bulk.eml"] = message(
        [
            "Subject: Newsletter",
            mid("40"),
            "Precedence: bulk",
            "List-Unsubscribe: <mailto:unsub@news.example>",
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"Our weekly news.\r\n",
        sender="News <news@news.example>",
    )
    files["41-outlook-automatic-reply.eml"] = message(
        [
            "Subject: Automatic reply: Fee question",
            mid("41"),
            "X-Auto-Response-Suppress: All",
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        b"I am out of the office.\r\n",
    )
    files["42-chinese-auto-reply.eml"] = message(
        [
            f"Subject: {enc_word('自动回复: 充值未到账', 'utf-8')}",
            mid("42"),
            "X-Autoreply: yes",
            *plain.format("utf-8", "8bit").split("\r\n"),
        ],
        "您的邮件已收到，我会尽快回复。\r\n".encode(),
    )
    # --- broken -----------------------------------------------------------------------------
    files["43-broken-missing-end-boundary.eml"] = message(
        ["Subject: Cut off", mid("43"), *mp_header("mixed", "CUT")],
        b"--CUT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe message was cut off in trans",
    )
    files["44-broken-base64.eml"] = message(
        ["Subject: Bad base64", mid("44"), *plain.format("utf-8", "base64").split("\r\n")],
        b"SGVsbG8sIG15IGRlcG9zaXQgaXMgbWlzc2luZw=!!*\r\n@@@@\r\n",
    )
    files["45-broken-no-boundary-param.eml"] = message(
        ["Subject: No boundary", mid("45"), "MIME-Version: 1.0", "Content-Type: multipart/mixed"],
        b"--X\r\nContent-Type: text/plain\r\n\r\nText inside a multipart without a boundary.\r\n--X--\r\n",
    )
    files["46-no-from-no-message-id.eml"] = (
        "To: support@desk.example\r\nSubject: Who am I\r\n"
        + DATE
        + "\r\n\r\nA message without a sender.\r\n"
    ).encode()
    files["47-garbage-header-bytes.eml"] = (
        b"From: \xff\xfe bad <bad.bytes@example.com>\r\nTo: support@desk.example\r\nSubject: \x81\x82\x83 \xe6\x97\xa0\r\n"
        + mid("47").encode()
        + b'\r\nContent-Type: text/plain; charset=""\r\n\r\nBody with \x00 a NUL and \xff bytes.\r\n'
    )
    nested = text_part(b"Deep inside.")
    for level in range(30):
        nested = f'Content-Type: multipart/mixed; boundary="L{level}"\r\n\r\n'.encode() + multipart(
            "mixed", f"L{level}", [nested]
        )
    files["48-deeply-nested.eml"] = (
        message(["Subject: Deep", mid("48"), "MIME-Version: 1.0"], b"").replace(
            b"\r\n\r\n", b"\r\n", 1
        )
        + nested
    )
    files["49-empty-body.eml"] = message(
        ["Subject: Empty", mid("49"), *plain.format("utf-8", "8bit").split("\r\n")], b""
    )
    files["50-lf-only-line-endings.eml"] = (
        "From: Lin <lin@example.com>\nTo: support@desk.example\nSubject: LF only\n"
        + mid("50")
        + "\n"
        "Content-Type: text/plain; charset=utf-8\n\nLines end with LF only.\nSecond line.\n"
    ).encode()
    # --- mailbox files ----------------------------------------------------------------------
    mbox = b""
    for i in range(3):
        one = message(
            [
                f"Subject: From mbox {i}",
                f"Message-ID: <mbox-{i}@mail.example.com>",
                *plain.format("utf-8", "8bit").split("\r\n"),
            ],
            f"Message {i} from an mbox file.\r\nFrom the start of a line.\r\n".encode(),
            sender=f"Mbox User {i} <mbox{i}@example.com>",
        )
        one = one.replace(b"\r\nFrom the start", b"\r\n>From the start")
        mbox += (
            b"From mbox%d@example.com Tue Nov 24 09:15:00 2026\n" % i
            + one.replace(b"\r\n", b"\n")
            + b"\n"
        )
    files["51-three-messages.mbox"] = mbox
    box = b""
    for i in range(2):
        one = message(
            [
                f"Subject: From box {i}",
                f"Message-ID: <box-{i}@mail.example.com>",
                *plain.format("gb18030", "8bit").split("\r\n"),
            ],
            f"来自 box 文件的第 {i} 封邮件。\r\n".encode("gb18030"),
            sender=f"box{i}@example.com",
        )
        box += (
            b"From box%d@example.com Tue Nov 24 09:15:00 2026\n" % i
            + one.replace(b"\r\n", b"\n")
            + b"\n"
        )
    files["52-two-messages.box"] = box
    return files


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(corpus())} files to {HERE}")


if __name__ == "__main__":
    main()
