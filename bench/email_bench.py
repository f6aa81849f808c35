"""Email ingestion benchmark: 1,000 varied raw messages through ``cryptodesk email ingest`` and
through SMTP (``cryptodesk smtpd`` on a free loopback port), on SQLite and PostgreSQL, with
the pipeline as shipped (guard, NLU understanding, rule triage, SLA clocks).

The messages are made on the fly from the raw corpus of tests/mail/corpus (every charset,
HTML-only, attachments, replies, forwards, bounces, auto-replies, broken MIME) and from
templates of ordinary support mail in English and Chinese; each gets its own Message-ID,
and senders are spread so the per-sender rate limit is not what is measured.

For each run it checks that nothing was lost: every message is committed (an email record
exists for each), none failed, the spool is empty. Figures:

- ``email ingest``: the command's wall time, and the rate without its start-up (the wall time of
  ingesting one message is subtracted: loading Django and the NLU models); it batches and, for
  this many files, forks one worker per core (``--workers``);
- SMTP: from the first connection to the last 250, with ``--clients`` concurrent sessions on
  ``cryptodesk smtpd --workers`` worker processes storing the mail.

The desk is configured as in the demo (SLA policies on business hours with public holidays, a
VIP desk), so SLA clocks start on every new ticket.

Run ``.venv/bin/python bench/email_bench.py`` (``--help`` for the options). The client and the
server share the 2 cores, so the SMTP figure is a floor. DESIGN.md budget: >= 150 emails/s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import smtplib
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness import (
    backend_env,
    cryptodesk_executable,
    free_port,
    postgres_database,
    run_command,
)

BUDGET_PER_S = 150.0
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "mail" / "corpus"
MAILBOX = "support@bench.example"
console = Console(width=150)  # the table stays readable in a log

SUBJECTS_EN = [
    "Deposit not credited",
    "Withdrawal pending for hours",
    "Cannot log in after changing phone",
    "Why was my account frozen?",
    "Fee charged twice",
    "KYC documents rejected",
]
BODIES_EN = [
    "Hi,\n\nI sent {amount} USDT over TRC20 {hours} hours ago and it is not in my account.\n"
    "Transaction: 0x{tx}\n\nThanks,\n{name}",
    "Hello support,\n\nMy withdrawal of {amount} USDC is still pending. Order W-{order}.\n"
    "Please check.\n\n{name}",
    "I lost my phone and cannot pass 2FA. What do I do?\n\nSent from my iPhone",
]
SUBJECTS_ZH = ["充值未到账", "提现一直在审核", "账户被冻结", "手续费问题", "无法登录"]
BODIES_ZH = [
    "您好，\n\n我{hours}小时前充值了 {amount} USDT（TRC20），到现在还没有到账。\n"
    "交易哈希：0x{tx}\n\n谢谢！\n{name}",
    "你好，我的提现订单 W-{order} 已经审核了两天，请尽快处理。\n\n{name}",
]
NAMES = ["Wei Zhang", "Maria Garcia", "李娜", "John Smith", "陈大文", "Aisha Khan"]


def template_message(rng: random.Random, n: int, run: str) -> bytes:
    chinese = rng.random() < 0.4
    fields = {
        "amount": rng.randint(10, 5000),
        "hours": rng.randint(1, 48),
        "tx": f"{rng.getrandbits(256):064x}",
        "order": rng.randint(100000, 999999),
        "name": rng.choice(NAMES),
    }
    subject = rng.choice(SUBJECTS_ZH if chinese else SUBJECTS_EN)
    body = rng.choice(BODIES_ZH if chinese else BODIES_EN).format(**fields)
    charset = rng.choice(["utf-8", "gb18030"]) if chinese else "utf-8"
    html = rng.random() < 0.3
    head = (
        f"From: {fields['name']} <customer{n % 400}@mail{n % 7}.example>\r\n"
        f"To: {MAILBOX}\r\nSubject: {subject}\r\nMessage-ID: <bench-{run}-{n}@mail.example>\r\n"
        "Date: Tue, 24 Nov 2026 09:15:00 +0800\r\nMIME-Version: 1.0\r\n"
    )
    if html:
        markup = "".join(f"<p>{line}</p>" for line in body.split("\n") if line)
        return (head + f"Content-Type: text/html; charset={charset}\r\n\r\n").encode() + (
            f"<html><body>{markup}</body></html>\r\n".encode(charset)
        )
    return (head + f"Content-Type: text/plain; charset={charset}\r\n\r\n").encode() + (
        body.replace("\n", "\r\n").encode(charset) + b"\r\n"
    )


def corpus_variant(raw: bytes, n: int, run: str) -> bytes:
    """A corpus message made unique: a Received line on top, its own Message-ID and sender."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    newline = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    lines = [
        line
        for line in head.split(newline)
        if not line.lower().startswith((b"message-id:", b"from:"))
    ]
    sender = f"From: Corpus Sender <corpus{n % 300}@mail{n % 5}.example>".encode()
    if re.search(rb"mailer-daemon|postmaster", head, re.IGNORECASE):
        sender = b"From: Mail Delivery System <MAILER-DAEMON@mx.example>"
    extra = [
        f"Received: from bench ({n}) by mx.bench.example".encode(),
        sender,
        f"Message-ID: <bench-{run}-c{n}@mail.example>".encode(),
    ]
    return newline.join(extra + lines) + sep + body


def make_messages(count: int, seed: int, run: str) -> list[bytes]:
    rng = random.Random(seed)
    corpus = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    messages = []
    for n in range(count):
        if rng.random() < 0.4:
            messages.append(corpus_variant(rng.choice(corpus), n, run))
        else:
            messages.append(template_message(rng, n, run))
    return messages


# --- processes and databases -------------------------------------------------------------------


def prepare(env: dict[str, str]) -> None:
    run_command(["migrate", "--no-input", "-v", "0"], env)
    run_command(
        [
            "shell",
            "-c",
            "from cryptodesk.mail.models import Mailbox; "
            f"Mailbox.objects.get_or_create(address='{MAILBOX}'); "
            # A configured desk: SLA policies on business hours with holidays, a VIP desk.
            "from cryptodesk.accounts.models import Team; "
            "from cryptodesk.sla.demo import create_calendars, create_policies; "
            "vip, _ = Team.objects.get_or_create(slug='vip', defaults={'name': 'VIP desk'}); "
            "create_policies(create_calendars(), vip)",
        ],
        env,
    )


def counts(env: dict[str, str]) -> dict[str, int]:
    out = run_command(
        [
            "shell",
            "-c",
            "import json; from cryptodesk.mail.models import EmailMessage; "
            "from cryptodesk.mail.spool import pending; "
            "print(json.dumps({'emails': EmailMessage.objects.filter(direction='in').count(), "
            "'spooled': len(list(pending()))}))",
        ],
        env,
    )
    result: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return result


@contextmanager
def running_smtpd(env: dict[str, str], log_path: Path, workers: int) -> Iterator[int]:
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [cryptodesk_executable(), "smtpd", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"smtpd exited:\n{log_path.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the two measurements ----------------------------------------------------------------------


def bench_cli(
    env: dict[str, str], messages: list[bytes], work: Path, workers: int
) -> dict[str, float]:
    folder = work / "eml"
    folder.mkdir()
    paths = []
    for n, raw in enumerate(messages):
        path = folder / f"{n:05d}.eml"
        path.write_bytes(raw)
        paths.append(str(path))
    warm = folder / "warm.eml"
    warm.write_bytes(template_message(random.Random(0), 999_999, "warm"))
    started = time.perf_counter()
    run_command(["email", "ingest", str(warm), "--json"], env)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    out = run_command(
        ["email", "ingest", *paths, "--json", "--workers", str(workers)], env, check=False
    )
    wall = time.perf_counter() - started
    summary = json.loads(out.strip().splitlines()[-1])
    # The email-specific stage alone: parsing and classifying the same files, in one process.
    parse_out = run_command(
        [
            "shell",
            "-c",
            "import time, pathlib; from cryptodesk.mail.parser import parse_email; "
            f"raws = [p.read_bytes() for p in sorted(pathlib.Path('{folder}').glob('0*.eml'))]; "
            "t = time.perf_counter(); [parse_email(r) for r in raws]; "
            "print(len(raws) / (time.perf_counter() - t))",
        ],
        env,
    )
    return {
        "parse_rate": float(parse_out.strip().splitlines()[-1]),
        "wall_s": wall,
        "rate": len(messages) / wall,
        "steady_rate": len(messages) / max(wall - startup, 1e-6),
        "accepted": summary["accepted"],
        "duplicates": summary["duplicates"],
        "failed": summary["failed"],
    }


def bench_smtp(port: int, messages: list[bytes], clients: int) -> dict[str, float]:
    errors: list[str] = []
    accepted = [0]
    lock = threading.Lock()
    chunks = [messages[i::clients] for i in range(clients)]

    def worker(index: int, chunk: list[bytes]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for n, raw in enumerate(chunk):
                daemon = b"MAILER-DAEMON" in raw[:400]
                # One envelope sender per message (VERP-style, as mail services send).
                sender = "" if daemon else f"bounce-{index}-{n}@bench.example"
                try:
                    smtp.sendmail(sender, [MAILBOX], raw)
                    with lock:
                        accepted[0] += 1
                except smtplib.SMTPException as error:
                    with lock:
                        errors.append(str(error)[:200])
                    smtp.rset()

    # One message first (the listeners load their models at start; this checks they answer).
    with smtplib.SMTP("127.0.0.1", port, timeout=300) as smtp:
        smtp.sendmail(
            "warm@bench.example", [MAILBOX], template_message(random.Random(1), 0, "warm")
        )
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i, chunk)) for i, chunk in enumerate(chunks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "rate": len(messages) / wall,
        "accepted": accepted[0],
        "failed": len(errors),
        "first_error": errors[0] if errors else "",  # type: ignore[dict-item]
    }


def run_backend(name: str, database_url: str | None, args: argparse.Namespace) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"email-bench-{name}-") as tmp:
        work = Path(tmp)
        env = backend_env(work / "var", database_url)
        console.print(f"[bold]{name}[/]: migrating…")
        prepare(env)
        cli = bench_cli(
            env, make_messages(args.messages, args.seed, f"{name}-cli"), work, args.workers
        )
        after_cli = counts(env)
        console.print(f"{name} ingest: {cli}")
        with running_smtpd(env, work / "smtpd.log", args.smtpd_workers) as port:
            smtp = bench_smtp(
                port, make_messages(args.messages, args.seed + 1, f"{name}-smtp"), args.clients
            )
        after_smtp = counts(env)
        console.print(f"{name} smtp: {smtp}")
        stored_cli = after_cli["emails"] - 1  # the warm-up message
        stored_smtp = after_smtp["emails"] - after_cli["emails"] - 1  # minus the warm-up
        rows.append(
            [
                name,
                f"email ingest --workers {args.workers or 'auto'}",
                f"{cli['rate']:.0f}",
                f"{cli['steady_rate']:.0f}",
                f"{cli['parse_rate']:.0f}",
                f"{int(cli['accepted'])}/{args.messages}",
                str(int(cli["failed"])),
                f"{stored_cli}",
                str(after_cli["spooled"]),
            ]
        )
        rows.append(
            [
                name,
                f"SMTP {args.clients} sessions, {args.smtpd_workers} workers",
                f"{smtp['rate']:.0f}",
                "",
                "",
                f"{int(smtp['accepted'])}/{args.messages}",
                str(int(smtp["failed"])),
                f"{stored_smtp}",
                str(after_smtp["spooled"]),
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument(
        "--clients", type=int, default=16, help="concurrent SMTP sessions (an MX sees many)"
    )
    parser.add_argument("--smtpd-workers", type=int, default=2, help="smtpd --workers")
    parser.add_argument("--workers", type=int, default=0, help="email ingest --workers (0: auto)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    args = parser.parse_args()
    rows: list[list[str]] = []
    if args.only in (None, "sqlite"):
        rows += run_backend("sqlite", None, args)
    if args.only in (None, "postgresql"):
        with postgres_database(args.postgres, "cryptodesk_email_bench") as url:
            if url is not None:
                rows += run_backend("postgresql", url, args)
    table = Table(title=f"Email ingestion, full pipeline (budget >= {BUDGET_PER_S:.0f}/s)")
    for column in (
        "database",
        "path",
        "msgs/s",
        "msgs/s w/o start-up",
        "parse only msgs/s",
        "accepted",
        "failed",
        "stored",
        "left in spool",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
