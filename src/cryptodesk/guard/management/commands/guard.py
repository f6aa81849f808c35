"""cryptodesk guard redact [--json]: redact the secrets in the text read from stdin."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cryptodesk.guard.redact import redact_text


class Command(BaseCommand):
    help = "Secret guard tools. 'redact' reads UTF-8 text on stdin and prints it redacted."
    # Pure text processing: no database, no checks, usable in a shell pipeline on any box.
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        redact = actions.add_parser("redact", help="Redact recovery phrases and private keys.")
        redact.add_argument(
            "--json",
            action="store_true",
            help='Print {"text": ..., "findings": [{"kind", "start", "end"}]} instead.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(f"stdin is not UTF-8 text ({error}); convert it first.") from error
        redacted, findings = redact_text(text)
        if not options["json"]:
            self.stdout.write(redacted, ending="")
            return
        document = {
            "text": redacted,
            "findings": [
                {"kind": finding.kind, "start": finding.start, "end": finding.end}
                for finding in findings
            ],
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False))
