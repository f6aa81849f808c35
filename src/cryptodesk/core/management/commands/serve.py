"""cryptodesk serve: the ASGI server (HTTP and WebSocket)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve cryptodesk over HTTP and WebSocket (uvicorn, ASGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="Log every request (off by default: the reverse proxy logs requests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"cryptodesk on http://{options['host']}:{options['port']}/")
        uvicorn.run(
            "cryptodesk.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="info",
            access_log=options["access_log"],
            proxy_headers=True,
            lifespan="off",
        )
