"""Demo email: two support mailboxes and a few tickets that came in as real raw mail (a GBK
message, an HTML-only one with an inline screenshot, a reply with quoted history, an
attachment we withhold, an out-of-office reply and the bounce of one of our replies)."""

from __future__ import annotations

import base64

from cryptodesk.accounts.models import Agent, Team
from cryptodesk.mail.actions import do_queue_outbound, do_receive_email, forget_mailboxes
from cryptodesk.mail.models import EmailMessage, Mailbox
from cryptodesk.tickets.actions import do_add_agent_message
from cryptodesk.tickets.models import Message, Ticket

SUPPORT = "support@cryptodesk.example"
VIP = "vip@cryptodesk.example"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


def demo_messages() -> list[bytes]:
    gbk = raw(
        "From: =?gb2312?B?wfXR0w==?= <liu.yan@example.cn>\nTo: support@cryptodesk.example\n"
        "Subject: =?gb2312?B?s+TWtcO709C1vdXLIChVU0RULVRSQzIwKQ==?=\n"
        "Message-ID: <demo-gbk-1@example.cn>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=gb2312\nContent-Transfer-Encoding: 8bit\n",
        "您好，我昨天充值了 500 USDT（TRC20），到现在还没有到账。\r\n交易已经在链上确认了，"
        "请帮忙查一下。\r\n\r\n刘燕\r\n".encode("gbk"),
    )
    html_only = raw(
        "From: Daniel Kim <daniel.kim@example.com>\nTo: support@cryptodesk.example\n"
        "Subject: Withdrawal stuck - screenshot inside\nMessage-ID: <demo-html-1@example.com>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="R"\n',
        b"--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hi team,</p><p>My <b>ETH withdrawal</b> has said <i>processing</i> for 6 hours."
        b'</p><p><img src="cid:shot@demo" alt="screenshot"></p><script>alert(1)</script>\r\n'
        b"--R\r\nContent-Type: image/png\r\nContent-ID: <shot@demo>\r\n"
        b'Content-Disposition: inline; filename="withdrawal.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(PNG) + b"--R--\r\n",
    )
    withheld = raw(
        "From: Omar Haddad <omar.h@example.net>\nTo: vip@cryptodesk.example\n"
        "Subject: Account statement and tool\nMessage-ID: <demo-exe-1@example.net>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="M"\n',
        b"--M\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Statement attached. Your colleague asked me to run the attached tool, is that right?\r\n"
        b'--M\r\nContent-Type: application/octet-stream; name="wallet-fix.exe"\r\n'
        b'Content-Disposition: attachment; filename="wallet-fix.exe"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n"
        b'--M\r\nContent-Type: application/pdf; name="statement.pdf"\r\n'
        b'Content-Disposition: attachment; filename="statement.pdf"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"%PDF-1.4\n%%EOF\n")
        + b"--M--\r\n",
    )
    out_of_office = raw(
        "From: Daniel Kim <daniel.kim@example.com>\nTo: support@cryptodesk.example\n"
        "Subject: Automatic reply: Withdrawal stuck\nMessage-ID: <demo-ooo-1@example.com>\n"
        "Auto-Submitted: auto-replied\nIn-Reply-To: <demo-html-1@example.com>\n"
        "Content-Type: text/plain; charset=utf-8\n",
        b"I am travelling until Monday with limited access to email.\r\n",
    )
    return [gbk, html_only, withheld, out_of_office]


def reply_with_history(agent_reply_id: str) -> bytes:
    return raw(
        "From: =?gb2312?B?wfXR0w==?= <liu.yan@example.cn>\nTo: support@cryptodesk.example\n"
        "Subject: Re: USDT\nMessage-ID: <demo-gbk-2@example.cn>\n"
        f"In-Reply-To: {agent_reply_id}\nReferences: <demo-gbk-1@example.cn> {agent_reply_id}\n"
        "Content-Type: text/plain; charset=utf-8\n",
        "交易哈希是 0x8f2a…c41d，谢谢！\r\n\r\n在 2026年11月24日 10:02，Support 写道：\r\n"
        "> 请提供交易哈希，我们马上查询。\r\n".encode(),
    )


def bounce(of_message_id: str, address: str) -> bytes:
    return raw(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
        "To: support@cryptodesk.example\nSubject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <demo-dsn-1@mx.example.org>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="D"\n',
        (
            "--D\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "--D\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.org\r\n\r\n"
            f"Final-Recipient: rfc822; {address}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            "--D\r\nContent-Type: text/rfc822-headers\r\n\r\n"
            f"Message-ID: {of_message_id}\r\nSubject: reply\r\n\r\n--D--\r\n"
        ).encode(),
    )


def load_demo_mail() -> int:
    """Idempotent (the raw messages carry Message-IDs). Returns the ticket messages added."""
    before = Message.objects.count()
    add_demo_mail()
    return Message.objects.count() - before


def add_demo_mail() -> None:
    funds = Team.objects.filter(slug="funds").first()
    vip = Team.objects.filter(slug="vip").first()
    Mailbox.objects.get_or_create(
        address=SUPPORT, defaults={"display_name": "CryptoDesk Support", "team": funds}
    )
    Mailbox.objects.get_or_create(
        address=VIP, defaults={"display_name": "CryptoDesk VIP desk", "team": vip}
    )
    forget_mailboxes()  # this process may hold mailboxes read before these existed
    for message in demo_messages():
        do_receive_email(message)
    first = EmailMessage.objects.filter(msgid="<demo-gbk-1@example.cn>").first()
    agent = Agent.objects.filter(user__username="wangbo").first() or Agent.objects.first()
    if first is None or first.ticket_id is None or agent is None:
        return
    ticket = Ticket.objects.get(pk=first.ticket_id)
    if not EmailMessage.objects.filter(ticket=ticket, direction="out").exists():
        reply, _ = do_add_agent_message(
            agent, ticket, "您好，请提供交易哈希，我们马上查询。", idempotency_key="demo-mail-1"
        )
        sent = do_queue_outbound(reply.pk)
        if sent is not None:
            do_receive_email(reply_with_history(sent.msgid))
    html = EmailMessage.objects.filter(msgid="<demo-html-1@example.com>").first()
    if html is not None and html.ticket_id is not None:
        ticket = Ticket.objects.get(pk=html.ticket_id)
        reply, _ = do_add_agent_message(
            agent,
            ticket,
            "Hi Daniel, we are looking at the withdrawal now.",
            idempotency_key="demo-mail-2",
        )
        sent = do_queue_outbound(reply.pk)
        if sent is not None:
            do_receive_email(bounce(sent.msgid, "daniel.kim@example.com"))
