"""cryptodesk smtpd: the inbound SMTP listener for the configured support addresses."""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
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
            "--processes",
            type=int,
            default=1,
            help="Listener processes sharing the port (SO_REUSEPORT); one per core is plenty.",
        )
        # Set on the extra processes the first one starts: share the port, leave the spool.
        parser.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port, processes = options["host"], options["port"], options["processes"]
        if processes < 1:
            raise CommandError("--processes must be 1 or more.")
        shared = processes > 1 or options["reuse_port"]
        warm_up()  # the models load now, not on the first message
        controller = start_smtpd(host, port, reuse_port=shared)
        helpers = [self.start_helper(host, port) for _ in range(processes - 1)]
        self.stdout.write(
            f"Listening for email on {host}:{port}"
            + (f" ({processes} processes)" if processes > 1 else "")
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            if options["reuse_port"]:
                stop.wait()  # a helper: the first process retries the spool
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
            for helper in helpers:
                helper.terminate()
            controller.stop()
            for helper in helpers:
                try:
                    helper.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    helper.kill()

    def start_helper(self, host: str, port: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "cryptodesk.cli", "smtpd", "--host", host, "--port"]
        return subprocess.Popen([*command, str(port), "--reuse-port"])  # noqa: S603 - our own argv
