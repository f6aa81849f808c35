"""A real ASGI server for tests: uvicorn serving ``cryptodesk.asgi:application`` (HTTP and
WebSocket through Channels) in a background thread on a free port of 127.0.0.1.

Use it from a test module with
``from tests.live import live_asgi_server as live_asgi_server  # noqa: F401`` (the explicit
re-export keeps ruff from reading the fixture argument as a redefinition, F811) and ask for
``live_asgi_server``: the base URL, e.g. ``http://127.0.0.1:41234``. It brings
``transactional_db`` with it: test data is committed, so the server's threads see it, and the
server stops before pytest-django empties the tables.

The server shares this process's settings and test database (SQLite: the file named by
``DATABASES["default"]["TEST"]["NAME"]``, suffixed per xdist worker; PostgreSQL: the test
database) and its in-memory channel layer. That layer belongs to the server's event loop, so a
change that must reach WebSocket clients has to be made through the server (HTTP), as in
production; writes from the test thread are only safe while no socket is subscribed.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
import uvicorn
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client

START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (for servers started as subprocesses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def websocket_url(base_url: str, path: str = "/ws/console/") -> str:
    return base_url.replace("http://", "ws://", 1).rstrip("/") + path


def session_key_for(user: AbstractBaseUser) -> str:
    """The session cookie's value of a real login of ``user`` (sessions live in the database,
    so every server process on the same database accepts it)."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def session_cookie_for(user: AbstractBaseUser) -> str:
    """A ``Cookie`` header value carrying a login session of ``user``."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[settings.SESSION_COOKIE_NAME] = session_key_for(user)
    return cookie.output(header="", attrs=[]).strip()


class AsgiServerThread:
    """uvicorn in a thread, on a socket bound before the thread starts (no port race)."""

    def __init__(self) -> None:
        from cryptodesk.asgi import application

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        config = uvicorn.Config(
            application,
            lifespan="off",  # Channels' router does not speak the lifespan protocol
            loop="asyncio",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=3,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.socket]},
            name=f"asgi-server-{self.port}",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("The ASGI server thread died while starting; see its log.")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"The ASGI server did not start in {START_TIMEOUT:.0f} s.")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(STOP_TIMEOUT)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(STOP_TIMEOUT)
        self.socket.close()
        if self.thread.is_alive():
            raise RuntimeError(f"The ASGI server on port {self.port} did not stop.")


def forget_channel_layer_state() -> None:
    """Drop groups and queued messages a previous server left in the in-memory layer."""
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.flush)()


@pytest.fixture
def live_asgi_server(transactional_db: None) -> Iterator[str]:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail(
            "The live server needs a file-backed SQLite test database that other threads can "
            "open; set DATABASES['default']['TEST']['NAME'] to a file."
        )
    forget_channel_layer_state()
    server = AsgiServerThread()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        forget_channel_layer_state()
