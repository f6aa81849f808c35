"""cryptodesk createtoken: issue an API token for an agent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cryptodesk.accounts.actions import do_create_api_token
from cryptodesk.accounts.models import Agent, ApiToken


class Command(BaseCommand):
    help = "Create a bearer API token that acts as the given agent; prints it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.WRITE)

    def handle(self, *args: Any, **options: Any) -> None:
        agent = Agent.objects.filter(user__username=options["username"]).first()
        if agent is None:
            raise CommandError(f"There is no agent '{options['username']}'.")
        _token, raw = do_create_api_token(agent, options["name"], options["scope"])
        self.stdout.write(raw)
