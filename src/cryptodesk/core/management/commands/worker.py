"""cryptodesk worker: runs background tasks from the database queue."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks (django-tasks database backend)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        from cryptodesk.sla.tasks import schedule_next_check

        # Periodic work reschedules itself; a starting worker makes sure the chain exists.
        if not options["batch"]:
            schedule_next_check()
        arguments = ["--interval", str(options["interval"]), "--queue-name", "*"]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
