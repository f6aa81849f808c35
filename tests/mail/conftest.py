"""Fixtures of the email tests: a support mailbox, our SMTP listener on a free loopback port,
an aiosmtpd sink that receives what we send, and a throwaway Dovecot IMAP server."""

from __future__ import annotations

import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.core.management import call_command

from cryptodesk.accounts.models import Team
from cryptodesk.mail.actions import forget_mailboxes
from cryptodesk.mail.models import Mailbox
from tests.conftest import REQUIRE_SERVICES
from tests.live import free_port

CORPUS = Path(__file__).resolve().parent / "corpus"
SUPPORT = "support@desk.example"


def corpus_file(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def run_worker() -> None:
    call_command("worker", "--batch", "--interval", "0")


@pytest.fixture(autouse=True)
def _mail_isolated(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.CRYPTODESK_MAIL_SPOOL_DIR = tmp_path / "spool"
    settings.CRYPTODESK_MAIL_SPOOL_FSYNC = False
    settings.CRYPTODESK_EMAIL_RETRY_DELAYS = [0, 0]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"mail-tests-{tmp_path.name}",
        }
    }
    forget_mailboxes()
    yield
    forget_mailboxes()


@pytest.fixture
def mailbox(db: None, team: Team) -> Mailbox:
    return Mailbox.objects.create(address=SUPPORT, display_name="Desk Support", team=team)


@pytest.fixture
def smtp_server(transactional_db: None, mailbox: Mailbox) -> Iterator[tuple[str, int]]:
    from cryptodesk.mail.smtpd import start_smtpd

    port = free_port()
    controller = start_smtpd("127.0.0.1", port)
    try:
        yield "127.0.0.1", port
    finally:
        controller.stop()


@pytest.fixture
def smtp_client(smtp_server: tuple[str, int]) -> Callable[[], smtplib.SMTP]:
    def connect() -> smtplib.SMTP:
        return smtplib.SMTP(*smtp_server, timeout=30)

    return connect


@dataclass
class Sink:
    """What our outbound sender delivered: (envelope sender, recipients, raw bytes)."""

    host: str
    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    fail_with: str = ""

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.fail_with:
            return self.fail_with
        raw = envelope.original_content or b""
        assert isinstance(raw, bytes)
        self.received.append((str(envelope.mail_from), list(envelope.rcpt_tos), raw))
        return "250 2.0.0 OK"


@pytest.fixture
def sink(settings: Any) -> Iterator[Sink]:
    port = free_port()
    handler = Sink("127.0.0.1", port)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


# --- a throwaway Dovecot --------------------------------------------------------------------

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else ""
)
IMAP_USER = "support@desk.example"
IMAP_PASSWORD = "imap-test-password"


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str


def dovecot_config(root: Path, port: int) -> str:
    """Our own configuration: loopback only, a high port, plaintext login (tests only), users
    from a passwd file, maildirs under ``root``. The system's /etc/dovecot is never read."""
    if os.geteuid() == 0:
        # Dovecot refuses to run its login and mail processes as root.
        internal = pwd.getpwnam("dovecot")
        login_user, internal_user = "dovenull", "dovecot"
        uid, gid = internal.pw_uid, internal.pw_gid
    else:
        me = pwd.getpwuid(os.geteuid())
        login_user = internal_user = me.pw_name
        uid, gid = me.pw_uid, me.pw_gid
    for directory in (root / "mail", root / "home"):
        directory.mkdir()
        os.chown(directory, uid, gid) if os.geteuid() == 0 else None
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
mail_location = maildir:{root}/mail/%u
first_valid_uid = {min(uid, 500)}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def unavailable(message: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Dovecot from Debian's packages (``make system-deps``), started for this test session."""
    if not DOVECOT:
        unavailable("dovecot is not installed (make system-deps installs dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="cryptodesk-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    (root / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n")
    (root / "dovecot.conf").write_text(dovecot_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            unavailable(f"dovecot did not start: {log[-500:]}")
        yield ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(root, ignore_errors=True)
