"""cryptodesk sla check | schedule | apply: the SLA warning and escalation pass."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from cryptodesk.sla.actions import CheckReport, do_start_missing_clocks, run_sla_check
from cryptodesk.sla.tasks import check_interval, schedule_next_check


class Command(BaseCommand):
    help = (
        "SLA tools. 'check' runs the warning and escalation pass once (the worker also runs it "
        "periodically); 'schedule' queues the periodic pass for the task worker; 'apply' gives "
        "active tickets without a policy their due times."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="Warn, mark breaches and escalate, once.")
        check.add_argument("--json", action="store_true", help="Print the result as JSON.")
        actions.add_parser("schedule", help="Queue the periodic check for 'cryptodesk worker'.")
        actions.add_parser(
            "apply", help="Start clocks on active tickets without a policy (after set-up)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schedule":
            queued = schedule_next_check()
            seconds = int(check_interval().total_seconds())
            self.stdout.write(
                f"Periodic SLA check queued (every {seconds} s)."
                if queued
                else "A periodic SLA check is already queued."
            )
            return
        if options["action"] == "apply":
            started = do_start_missing_clocks()
            self.stdout.write(f"{started} active ticket(s) got an SLA policy and due times.")
            return
        report = run_sla_check()
        if options["json"]:
            self.stdout.write(json.dumps(report_json(report)))
            return
        self.print_report(report)

    def print_report(self, report: CheckReport) -> None:
        console = Console(file=self.stdout, width=100, highlight=False)  # type: ignore[arg-type]
        counts = report.counts()
        console.print(
            f"[bold]SLA check[/bold] at {report.at:%Y-%m-%d %H:%M:%S %Z}: "
            f"{counts['warnings']} warning(s), {counts['breaches']} breach(es), "
            f"{counts['escalations']} escalation(s)"
        )
        for number, kind, error in report.failed:
            console.print(f"[red]Failed[/red] #{number} {kind}: {error} (retried next pass)")
        if not (report.warnings or report.breaches):
            console.print("[green]No new warnings or breaches.[/green]")
            return
        table = Table(show_edge=False, header_style="bold")
        for column in ("Ticket", "Target", "Due (UTC)", "Result"):
            table.add_column(column)
        escalated = dict(report.escalations)
        for number, kind, due in report.breaches:
            actions = ", ".join(escalated.get(number, []))
            result = "[red]breached[/red]" + (f" -> escalated: {actions}" if actions else "")
            table.add_row(f"#{number}", kind, f"{due:%Y-%m-%d %H:%M}", result)
        for number, kind, due in report.warnings:
            table.add_row(f"#{number}", kind, f"{due:%Y-%m-%d %H:%M}", "[yellow]warning[/yellow]")
        console.print(table)


def report_json(report: CheckReport) -> dict[str, Any]:
    return {
        "at": report.at.isoformat(),
        "warnings": [
            {"ticket": n, "target": k, "due": d.isoformat()} for n, k, d in report.warnings
        ],
        "breaches": [
            {"ticket": n, "target": k, "due": d.isoformat()} for n, k, d in report.breaches
        ],
        "escalations": [{"ticket": n, "actions": a} for n, a in report.escalations],
        "failed": [{"ticket": n, "target": k, "error": e} for n, k, e in report.failed],
    }
