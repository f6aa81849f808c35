"""Health check, settings safety and the cryptodesk command, through HTTP and real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from cryptodesk import __version__

CRYPTODESK = str(Path(sys.executable).with_name("cryptodesk"))


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> Any:
    return subprocess.run(
        [CRYPTODESK, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_healthz_reports_ok(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": __version__}


def test_healthz_names_the_database_when_it_is_unreachable(tmp_path: Path) -> None:
    """A real server whose PostgreSQL does not exist answers 503 and says which part failed."""
    port = free_port()
    env = {
        **os.environ,
        "CRYPTODESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
    }
    server = subprocess.Popen(
        [CRYPTODESK, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=20)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unreachable"
    assert body["failing"] == ["database"]


@pytest.mark.parametrize("secret", ["", "changeme", "short-secret"])
def test_production_mode_refuses_missing_or_weak_secret(tmp_path: Path, secret: str) -> None:
    result = run_cli(
        "check",
        env={
            "CRYPTODESK_MODE": "production",
            "CRYPTODESK_SECRET_KEY": secret,
            "CRYPTODESK_ALLOWED_HOSTS": "support.example.com",
            "CRYPTODESK_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "CRYPTODESK_SECRET_KEY must be set" in result.stderr


def test_production_mode_requires_allowed_hosts(tmp_path: Path) -> None:
    result = run_cli(
        "check",
        env={
            "CRYPTODESK_MODE": "production",
            "CRYPTODESK_SECRET_KEY": "x" * 50,
            "CRYPTODESK_ALLOWED_HOSTS": "",
            "CRYPTODESK_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "CRYPTODESK_ALLOWED_HOSTS" in result.stderr


def test_embedded_mode_generates_a_private_secret_once(tmp_path: Path) -> None:
    env = {"CRYPTODESK_VAR_DIR": str(tmp_path), "CRYPTODESK_SECRET_KEY": ""}
    assert run_cli("check", env=env).returncode == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert run_cli("check", env=env).returncode == 0
    assert key_file.read_text() == first


def test_createagent_and_createtoken_give_a_working_api_token(tmp_path: Path) -> None:
    env = {"CRYPTODESK_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    assert run_cli("migrate", "-v", "0", env=env).returncode == 0
    created = run_cli(
        "createagent",
        "lin",
        "--name",
        "Lin",
        "--role",
        "supervisor",
        "--password",
        "a-long-enough-pass-phrase",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "Created supervisor 'lin'" in created.stdout
    duplicate = run_cli("createagent", "lin", "--password", "a-long-enough-pass-phrase", env=env)
    assert duplicate.returncode != 0
    assert "taken" in duplicate.stderr
    weak = run_cli("createagent", "kim", "--password", "123", env=env)
    assert weak.returncode != 0
    token = run_cli("createtoken", "lin", "--scope", "read", env=env)
    assert token.returncode == 0
    assert token.stdout.strip().startswith("cdk_")
    unknown = run_cli("createtoken", "nobody", env=env)
    assert unknown.returncode != 0
    assert "no agent 'nobody'" in unknown.stderr


def test_demo_prepares_data_and_prints_logins(tmp_path: Path) -> None:
    env = {"CRYPTODESK_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    result = run_cli("demo", "--no-serve", "--tickets", "30", "--customers", "20", env=env)
    assert result.returncode == 0, result.stderr
    # 30 generated, 2 security cases, 2 SLA showcases, 3 demo emails.
    assert "37 tickets" in result.stdout
    assert "Help center: http://127.0.0.1:8000/help/" in result.stdout
    assert "cryptodesk-demo" in result.stdout
    assert "mei" in result.stdout
    again = run_cli("demo", "--no-serve", env=env)
    assert "already loaded" in again.stdout
    assert (tmp_path / "cryptodesk.sqlite3").exists()
