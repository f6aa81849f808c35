"""cryptodesk demo: migrate, load demo data once, and run everything in one process."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cryptodesk.demo.loader import AGENTS, DEMO_PASSWORD, load_demo
from cryptodesk.mail.smtpd import start_demo_smtpd
from cryptodesk.tickets.models import Ticket


class Command(BaseCommand):
    help = "Run the demo: SQLite under ./var/, demo data, web server and task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--reset", action="store_true", help="Delete all data and reload.")
        parser.add_argument("--tickets", type=int, default=500)
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--no-serve", action="store_true", help="Prepare data, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        if settings.PRODUCTION:
            raise CommandError("The demo refuses to run in production mode.")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            console.print("[yellow]Deleting all data…[/]")
            call_command("flush", interactive=False, verbosity=0)
        if not Ticket.objects.exists():
            self.load(console, options["customers"], options["tickets"])
        else:
            console.print("Demo data already loaded (use --reset to start over).")
        self.print_logins(console, options["host"], options["port"])
        if options["no_serve"]:
            return
        self.start_worker()
        start_demo_smtpd(console)
        call_command("serve", host=options["host"], port=options["port"])

    def load(self, console: Console, customers: int, tickets: int) -> None:
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Loading demo tickets", total=tickets)
            summary = load_demo(
                customers=customers,
                tickets=tickets,
                progress=lambda n: progress.advance(task, n),
            )
        console.print(
            f"Loaded {summary.agents} agents, {summary.customers} customers, "
            f"{summary.tickets} tickets, {summary.messages} messages."
        )

    def print_logins(self, console: Console, host: str, port: int) -> None:
        table = Table(title=f"cryptodesk demo on http://{host}:{port}/")
        for column in ("user name", "password", "role", "name"):
            table.add_column(column)
        for username, display, role, _teams, _languages in AGENTS:
            table.add_row(username, DEMO_PASSWORD, str(role), display)
        console.print(table)
        console.print(f"Help center: http://{host}:{port}/help/")
        console.print(f"Customer request form: http://{host}:{port}/support/new/")

    def start_worker(self) -> None:
        """Background tasks run in this process in the embedded mode."""
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=1.0,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="demo-embedded",
            excluded_queue_names=[],
        )
        threading.Thread(target=worker.run, name="task-worker", daemon=True).start()
