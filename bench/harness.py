"""What the benchmarks that drive the real ``cryptodesk`` command share: finding it, a free
loopback port, an environment pointing at the backend under test, running a subcommand, and a
throwaway PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

# Settings of the caller's shell that must not leak into the backend under test.
ENV_OVERRIDES = ("DATABASE_URL", "REDIS_URL", "CRYPTODESK_MODE", "CRYPTODESK_SECRET_KEY")


def cryptodesk_executable() -> str:
    beside_python = Path(sys.executable).with_name("cryptodesk")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("cryptodesk")
    if found is None:
        raise SystemExit("The 'cryptodesk' command is not installed (run: make install).")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def backend_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_OVERRIDES}
    env["CRYPTODESK_VAR_DIR"] = str(var_dir)
    env["CRYPTODESK_LOG_LEVEL"] = "WARNING"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_command(args: list[str], env: dict[str, str], check: bool = True) -> str:
    """Run ``cryptodesk ARGS`` and return its output; with ``check`` a failure raises."""
    completed = subprocess.run(
        [cryptodesk_executable(), *args], env=env, capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        raise RuntimeError(
            f"cryptodesk {args[0]} failed ({completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    return completed.stdout


@contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str | None]:
    """A fresh database ``name`` on the server for the run, dropped afterwards; ``None`` when
    the server cannot be reached (the caller skips its PostgreSQL part)."""
    try:
        admin = psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable at {server_url}: skipped ({error})", file=sys.stderr)
        yield None
        return
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"{server_url}/{name}"
    finally:
        admin.execute(drop)
        admin.close()
