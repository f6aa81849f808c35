"""cryptodesk createagent: add a console user."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cryptodesk.accounts.actions import do_create_agent
from cryptodesk.accounts.models import Role, Team
from cryptodesk.core.errors import CryptodeskError


class Command(BaseCommand):
    help = "Create an agent (console user) with a role and teams."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Display name")
        parser.add_argument("--role", choices=Role.values, default=Role.AGENT)
        parser.add_argument("--team", action="append", default=[], help="Team slug (repeatable)")
        parser.add_argument("--capacity", type=int, default=10)
        parser.add_argument("--password", help="Prompted for when not given")

    def handle(self, *args: Any, **options: Any) -> None:
        teams = list(Team.objects.filter(slug__in=options["team"]))
        missing = set(options["team"]) - {t.slug for t in teams}
        if missing:
            raise CommandError(f"Unknown team(s): {', '.join(sorted(missing))}")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            agent = do_create_agent(
                username=options["username"],
                email=options["email"],
                password=password,
                display_name=options["name"] or options["username"],
                role=options["role"],
                teams=teams,
                capacity=options["capacity"],
            )
        except CryptodeskError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Created {agent.role} '{agent.user.username}'."))
