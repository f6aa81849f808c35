"""The spool: raw messages received but not yet committed.

Every message the SMTP listener or the IMAP poller takes in is written here first (and synced
to disk) and removed once its ticket message has committed. What stays is a message whose
ingestion failed: the sender was told 451 (or the IMAP message left unseen), and
``cryptodesk email retry`` feeds it through again (idempotently) once the cause is fixed.
A file system spool keeps working when the database is the thing that failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone


@dataclass
class SpoolEntry:
    path: Path
    source: str
    mailbox: str = ""
    envelope_from: str | None = None
    recipients: list[str] = field(default_factory=list)
    received_at: str = ""
    error: str = ""
    attempts: int = 0

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    def raw(self) -> bytes:
        return self.path.read_bytes()

    def save_meta(self) -> None:
        data = asdict(self)
        data.pop("path")
        temporary = self.meta_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False))
        temporary.replace(self.meta_path)

    def fail(self, error: str) -> None:
        self.error = error[:2000]
        self.attempts += 1
        if self.path.exists():  # not committed meanwhile by another attempt of the same bytes
            self.save_meta()

    def remove(self) -> None:
        self.meta_path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)


def spool_dir() -> Path:
    directory = Path(settings.CRYPTODESK_MAIL_SPOOL_DIR)
    # Raw mail may hold a customer's secret until it is guarded: only our own user may read it.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def spool(
    raw: bytes,
    *,
    source: str,
    mailbox: str = "",
    envelope_from: str | None = None,
    recipients: list[str] | None = None,
) -> SpoolEntry:
    """Write the raw message durably before anything else happens to it. The same bytes
    again (a sender's retry after 451, an IMAP message still unseen after a failed round)
    reuse the entry already spooled, so the commit of any attempt leaves nothing behind."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    for existing in spooled_copies(raw, digest):
        return existing
    path = spool_dir() / f"{stamp}-{digest}-{secrets.token_hex(3)}.eml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
        if settings.CRYPTODESK_MAIL_SPOOL_FSYNC:
            handle.flush()
            os.fsync(handle.fileno())
    entry = SpoolEntry(
        path=path,
        source=source,
        mailbox=mailbox,
        envelope_from=envelope_from,
        recipients=list(recipients or []),
        received_at=timezone.now().isoformat(),
    )
    entry.save_meta()
    return entry


def spooled_copies(raw: bytes, digest: str) -> Iterator[SpoolEntry]:
    for entry in pending(f"*-{digest}-*.eml"):
        try:
            if entry.raw() == raw:
                yield entry
        except OSError:  # removed meanwhile by the attempt that committed
            continue


def pending(pattern: str = "*.eml") -> Iterator[SpoolEntry]:
    """Spooled messages, oldest first."""
    for path in sorted(spool_dir().glob(pattern)):
        meta = path.with_suffix(".json")
        data: dict[str, Any] = {}
        if meta.exists():
            try:
                loaded = json.loads(meta.read_text())
            except (OSError, ValueError):
                loaded = {}
            # A damaged metadata file must not stop the retry of every other message.
            data = loaded if isinstance(loaded, dict) else {}
        envelope_from = data.get("envelope_from")
        recipients = data.get("recipients")
        yield SpoolEntry(
            path=path,
            source=str(data.get("source", "unknown")),
            mailbox=str(data.get("mailbox", "")),
            envelope_from=envelope_from if isinstance(envelope_from, str) else None,
            recipients=[str(r) for r in recipients] if isinstance(recipients, list) else [],
            received_at=str(data.get("received_at", "")),
            error=str(data.get("error", "")),
            attempts=data["attempts"] if isinstance(data.get("attempts"), int) else 0,
        )
