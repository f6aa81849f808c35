"""cryptodesk macros load-starter: add the reply templates we ship (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cryptodesk.macros.actions import do_load_starter_macros
from cryptodesk.macros.models import Macro


class Command(BaseCommand):
    help = "Manage reply templates. 'load-starter' adds the starter set where it is missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load-starter"])

    def handle(self, *args: Any, **options: Any) -> None:
        created = do_load_starter_macros()
        total = Macro.objects.filter(starter_key__isnull=False).count()
        self.stdout.write(f"{created} starter templates added, {total} in place.")
