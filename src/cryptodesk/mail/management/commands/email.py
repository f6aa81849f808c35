"""cryptodesk email ingest|poll|retry|spool: the email channel from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cryptodesk.mail.actions import mailbox_for
from cryptodesk.mail.bulk import default_workers, ingest_files
from cryptodesk.mail.models import Mailbox


class Command(BaseCommand):
    help = "The email channel: ingest raw messages, poll IMAP mailboxes, retry the spool."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        ingest = commands.add_parser("ingest", help="Ingest .eml, .box or mbox files.")
        ingest.add_argument("files", nargs="+", type=Path)
        ingest.add_argument("--mailbox", default="", help="The support address they came to.")
        ingest.add_argument("--json", action="store_true", help="Print one JSON summary.")
        ingest.add_argument(
            "--workers",
            type=int,
            default=0,
            help="Processes to ingest with (default: one per core, up to 4, for 100+ files).",
        )
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
            self.ingest(options["files"], options["mailbox"], options["json"], options["workers"])
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

    def ingest(self, files: list[Path], address: str, as_json: bool, workers: int) -> None:
        if address and mailbox_for(address, []) is None:
            raise CommandError(f"There is no active mailbox {address}.")
        if workers < 0:
            raise CommandError("--workers must be 0 (automatic) or more.")
        workers = workers or default_workers(len(files))
        console = Console(stderr=True, quiet=as_json)
        with Progress(
            TextColumn("[bold]Ingesting[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            auto_refresh=False,  # no refresh thread: worker processes are forked under it
        ) as progress:
            task = progress.add_task("files", total=len(files))

            def file_done() -> None:
                progress.advance(task)
                progress.refresh()

            summary = ingest_files(files, address, workers=workers, on_file=file_done)
        if as_json:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(
                f"accepted {summary.accepted}, duplicates {summary.duplicates}, "
                f"failed {summary.failed}, tickets created {summary.tickets_created}"
            )
            for problem in summary.errors:
                self.stderr.write(f"{problem['file']}: {problem['error']}")
        if summary.failed:
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
