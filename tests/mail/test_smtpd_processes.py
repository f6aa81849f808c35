"""``cryptodesk smtpd --workers 2`` as real processes on its own SQLite database: many
concurrent SMTP sessions, every message committed (by a worker process) before its 250 and
stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.live import free_port

CRYPTODESK = str(Path(sys.executable).with_name("cryptodesk"))
ADDRESS = "support@procs.example"


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [CRYPTODESK, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def message(n: int) -> bytes:
    return (
        f"From: Customer {n} <c{n}@example.com>\r\nTo: {ADDRESS}\r\n"
        f"Subject: Withdrawal {n} pending\r\nMessage-ID: <procs-{n}@example.com>\r\n\r\n"
        f"My withdrawal number {n} has been pending for three hours.\r\n"
    ).encode()


def worker_pids(listener: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(listener), "-f", "spawn_main"], capture_output=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "the listener exited"
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                client.noop()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the listener did not come up")


def test_two_worker_processes_store_each_message_once(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "CRYPTODESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "CRYPTODESK_LOG_LEVEL": "WARNING",
    }
    cli(env, "migrate", "--no-input", "-v", "0")
    cli(
        env,
        "shell",
        "-c",
        f"from cryptodesk.mail.models import Mailbox; Mailbox.objects.create(address='{ADDRESS}')",
    )
    port = free_port()
    server = subprocess.Popen(
        [CRYPTODESK, "smtpd", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    answers: list[str] = []
    try:
        wait_for_port(port, server)
        workers = worker_pids(server.pid)
        assert len(workers) == 2

        def send(numbers: range) -> None:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
                for n in numbers:
                    client.sendmail(f"c{n}@example.com", [ADDRESS], message(n))
                    answers.append("250")

        threads = [threading.Thread(target=send, args=(range(i, 80, 8),)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        # The same message again: stored once.
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            client.sendmail("c3@example.com", [ADDRESS], message(3))
        # A worker is killed (out of memory, say): senders hear 451 at worst and retry, the
        # listener starts new workers, and mail flows again.
        os.kill(workers[0], signal.SIGKILL)
        refusals: list[int] = []
        for n in range(80, 85):
            for _attempt in range(5):
                try:
                    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
                        client.sendmail(f"c{n}@example.com", [ADDRESS], message(n))
                    answers.append("250")
                    break
                except smtplib.SMTPDataError as error:
                    refusals.append(error.smtp_code)
                    time.sleep(1)
        assert set(refusals) <= {451}
        workers = worker_pids(server.pid)
        assert len(workers) == 2
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert len(answers) == 85
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived it"
    counts = json.loads(
        cli(
            env,
            "shell",
            "-c",
            "import json; from cryptodesk.mail.models import EmailMessage; "
            "from cryptodesk.tickets.models import Ticket; "
            "from cryptodesk.mail.spool import pending; "
            "print(json.dumps({'emails': EmailMessage.objects.count(), "
            "'ids': EmailMessage.objects.values('msgid').distinct().count(), "
            "'tickets': Ticket.objects.count(), 'spooled': len(list(pending()))}))",
        )
        .strip()
        .splitlines()[-1]
    )
    assert counts == {"emails": 85, "ids": 85, "tickets": 85, "spooled": 0}
