"""cryptodesk email ingest|poll|retry|spool: the email channel from the command line."""

from __future__ import annotations

import json
import mailbox as mbox_lib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from cryptodesk.mail.actions import do_receive_email, mailbox_for
from cryptodesk.mail.models import Mailbox


def messages_in(path: Path) -> Iterator[bytes]:
    """One file: a single RFC 822 message (.eml), or an mbox (.box, .mbox: "From " lines)."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        box = mbox_lib.mbox(str(path), create=False)
        try:
            for key in box.iterkeys():
                yield box.get_bytes(key)
        finally:
            box.close()
        return
    yield path.read_bytes()


class Command(BaseCommand):
    help = "The email channel: ingest raw messages, poll IMAP mailboxes, retry the spool."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        ingest = commands.add_parser("ingest", help="Ingest .eml, .box or mbox files.")
        ingest.add_argument("files", nargs="+", type=Path)
        ingest.add_argument("--mailbox", default="", help="The support address they came to.")
        ingest.add_argument("--json", action="store_true", help="Print one JSON summary.")
        poll = commands.add_parser("poll", help="Poll the IMAP mailboxes.")
        poll.add_argument("--mailbox", default="", help="Only this mailbox.")
        poll.add_argument("--once", action="store_true", help="One round, then exit.")
        poll.add_argument("--interval", type=float, default=60.0)
        poll.add_argument("--json", action="store_true")
        commands.add_parser("retry", help="Ingest again what is left in the spool.")
        commands.add_parser("spool", help="List the messages left in the spool.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "ingest":
            self.ingest(options["files"], options["mailbox"], options["json"])
        elif action == "poll":
            self.poll(options["mailbox"], options["once"], options["interval"], options["json"])
        elif action == "retry":
            from cryptodesk.mail.inbox import retry_spool

            self.stdout.write(json.dumps(retry_spool()))
        else:
            from cryptodesk.mail.spool import pending

            for entry in pending():
                self.stdout.write(
                    f"{entry.path.name}\t{entry.source}\tattempts={entry.attempts}\t{entry.error}"
                )

    def ingest(self, files: list[Path], address: str, as_json: bool) -> None:
        mailbox: Mailbox | None = None
        if address:
            mailbox = mailbox_for(address, [])
            if mailbox is None:
                raise CommandError(f"There is no active mailbox {address}.")
        summary: dict[str, Any] = {
            "accepted": 0,
            "duplicates": 0,
            "failed": 0,
            "tickets_created": 0,
            "errors": [],
        }
        console = Console(stderr=True, quiet=as_json)
        with console.status("Ingesting…"):
            for path in files:
                try:
                    raws = list(messages_in(path))
                except OSError as error:
                    summary["failed"] += 1
                    summary["errors"].append({"file": str(path), "error": str(error)})
                    continue
                for index, raw in enumerate(raws):
                    result = do_receive_email(raw, mailbox=mailbox)
                    if result.status == "duplicate":
                        summary["duplicates"] += 1
                    elif result.committed:
                        summary["accepted"] += 1
                        summary["tickets_created"] += int(result.ticket_created)
                    else:
                        summary["failed"] += 1
                        summary["errors"].append(
                            {"file": str(path), "index": index, "error": result.error}
                        )
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"accepted {summary['accepted']}, duplicates {summary['duplicates']}, "
                f"failed {summary['failed']}, tickets created {summary['tickets_created']}"
            )
            for problem in summary["errors"]:
                self.stderr.write(f"{problem['file']}: {problem['error']}")
        if summary["failed"]:
            raise SystemExit(1)

    def poll(self, address: str, once: bool, interval: float, as_json: bool) -> None:
        from cryptodesk.mail.imap import poll_forever, poll_once

        boxes = [m for m in Mailbox.objects.filter(active=True) if m.uses_imap]
        if address:
            boxes = [m for m in boxes if m.address.lower() == address.lower()]
        if not boxes:
            raise CommandError("No active mailbox has IMAP settings.")
        if once:
            summaries = [poll_once(box) for box in boxes]
            if as_json:
                self.stdout.write(json.dumps([s.__dict__ for s in summaries]))
            else:
                for s in summaries:
                    self.stdout.write(
                        f"{s.mailbox}: accepted {s.accepted}, duplicates {s.duplicates}, "
                        f"bounces {s.bounces}, deferred {s.deferred}, failed {s.failed}"
                    )
            if any(s.errors for s in summaries):
                raise SystemExit(1)
            return
        if len(boxes) > 1:
            import threading

            for box in boxes[1:]:
                threading.Thread(target=poll_forever, args=(box, interval), daemon=True).start()
        poll_forever(boxes[0], interval)
