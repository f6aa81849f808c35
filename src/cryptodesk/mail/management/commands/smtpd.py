"""cryptodesk smtpd: the inbound SMTP listener for the configured support addresses."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from cryptodesk.mail.smtpd import start_smtpd
from cryptodesk.tickets.pipeline import warm_up

SPOOL_RETRY_SECONDS = 60.0
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Receive email for the support mailboxes over SMTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.CRYPTODESK_SMTPD_HOST)
        parser.add_argument("--port", type=int, default=settings.CRYPTODESK_SMTPD_PORT)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="Processes that store the mail (default 0: the listener itself); one per core.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port, workers = options["host"], options["port"], options["workers"]
        if workers < 0:
            raise CommandError("--workers must be 0 or more.")
        if not workers:
            warm_up()  # the models load now, not on the first message (workers load their own)
        controller = start_smtpd(host, port, workers=workers)
        self.stdout.write(
            f"Listening for email on {host}:{port}"
            + (f" ({workers} worker processes)" if workers else "")
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            # Messages that failed (451) wait in the spool; feed them through again now and then.
            while not stop.wait(SPOOL_RETRY_SECONDS):
                from cryptodesk.mail.inbox import retry_spool

                # A connection broken by a database restart is replaced on every round, and a
                # round that fails leaves the spool for the next one instead of ending the loop.
                close_old_connections()
                try:
                    retry_spool(min_age=SPOOL_RETRY_SECONDS)
                except DatabaseError:
                    logger.exception("Could not retry the mail spool; trying again later")
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
