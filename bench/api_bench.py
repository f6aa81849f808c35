"""REST API benchmark through the real HTTP server.

For each backend (SQLite in a temporary CRYPTODESK_VAR_DIR; PostgreSQL in a database created for
the run and dropped afterwards) it migrates, creates a supervisor and an API token with the
``cryptodesk`` command, starts ``cryptodesk serve`` on a free port and measures, with an async
httpx client:

- ``POST /api/v1/tickets`` (the whole message path) and ``GET /api/v1/tickets?page=1``, each at
  the given concurrency levels for a fixed number of requests (closed loop: the throughput the
  server sustains);
- the same requests paced at a fixed rate (open loop, latency measured from the moment each
  request was due), which is how DESIGN.md states the API latency budget.

Every non-2xx answer and every transport error counts as an error. Run it with
``.venv/bin/python bench/api_bench.py`` (``--help`` for the options). Client and server share
the machine's cores, so the figures are a floor for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from harness import (
    backend_env,
    cryptodesk_executable,
    free_port,
    postgres_database,
    run_command,
)

# DESIGN.md, "Performance budgets" (2 cores, PostgreSQL unless noted).
INGEST_BUDGET_PER_S = 300.0
API_P99_BUDGET_MS = 50.0
API_BUDGET_RATE = 200.0

BENCH_PASSWORD = "bench-" + uuid.uuid4().hex  # noqa: S105 - throwaway account of a throwaway db
SERVER_START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0
CLIENT_KEEPALIVE_S = 2.0
ACCESS_LOG_OK = re.compile(r'HTTP/1\.[01]" 2\d\d')

# Wide enough for the table when the output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 120)


@dataclass
class Result:
    backend: str
    operation: str
    load: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]

    def record(self, status: str, latency_ms: float, detail: str = "") -> None:
        self.statuses[status] += 1
        self.latencies_ms.append(latency_ms)
        if not status.startswith("2") and len(self.error_samples) < 3:
            self.error_samples.append(f"{status} {detail[:200]}")


# --- the server under test ---------------------------------------------------------------------


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, create the bench supervisor and return a write token for it."""
    run_command(["migrate", "--no-input", "-v", "0"], env)
    run_command(
        ["createagent", "benchsup", "--role", "supervisor", "--password", BENCH_PASSWORD], env
    )
    token = run_command(["createtoken", "benchsup", "--name", "bench"], env).strip()
    if not token.startswith("cdk_"):
        raise RuntimeError(f"createtoken printed no token: {token!r}")
    return token


@contextmanager
def running_server(env: dict[str, str], workers: int, log_path: Path) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [cryptodesk_executable(), "serve", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        # A session of its own, so uvicorn's worker processes can be ended with it.
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_healthy(process, base_url, log_path)
        yield base_url
    finally:
        stop_server(process)


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The server exited with {process.returncode}:\n{log_path.read_text()[-2000:]}"
            )
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not become healthy:\n{log_path.read_text()[-2000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # Any uvicorn worker left behind belongs to the session started above.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- PostgreSQL bench database -----------------------------------------------------------------


# --- load generation ---------------------------------------------------------------------------

Request = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
OPERATIONS = ("create", "list")


def create_request(run_id: str) -> Request:
    async def send(client: httpx.AsyncClient, n: int) -> httpx.Response:
        return await client.post(
            "/api/v1/tickets",
            json={
                # 200 customers: both the new-customer and the existing-customer paths run.
                "customer_email": f"bench-{n % 200}@example.com",
                "subject": f"Deposit not credited ({run_id} #{n})",
                "body": "I sent 120 USDT over TRC20 two hours ago and it is not in my account.",
                "idempotency_key": f"bench-{run_id}-{n}",
            },
        )

    return send


async def list_request(client: httpx.AsyncClient, n: int) -> httpx.Response:
    return await client.get("/api/v1/tickets", params={"page": 1})


async def timed_send(
    client: httpx.AsyncClient, send: Request, n: int, result: Result, started: float
) -> None:
    """Send one request; latency counts from ``started`` (the moment the request was due)."""
    try:
        response = await send(client, n)
        status, detail = str(response.status_code), response.text
    except httpx.HTTPError as error:
        status, detail = type(error).__name__, str(error)
    result.record(status, (time.perf_counter() - started) * 1000, detail)


async def closed_loop(
    client: httpx.AsyncClient, send: Request, requests: int, concurrency: int, result: Result
) -> None:
    counter = iter(range(requests))

    async def worker() -> None:
        for n in counter:
            await timed_send(client, send, n, result, time.perf_counter())

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - began


async def open_loop(
    client: httpx.AsyncClient, send: Request, requests: int, rate: float, result: Result
) -> None:
    """Start request n at n/rate seconds whatever the answers, so a slow server shows up as
    latency instead of silently lowering the offered load."""
    began = time.perf_counter()
    pending = []
    for n in range(requests):
        due = began + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        pending.append(asyncio.create_task(timed_send(client, send, n, result, due)))
    await asyncio.gather(*pending)
    result.elapsed_s = time.perf_counter() - began


def client_for(base_url: str, token: str, connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them:
        # with equal timeouts a request can be sent on a connection the server is closing.
        limits=httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=CLIENT_KEEPALIVE_S,
        ),
        timeout=REQUEST_TIMEOUT_S,
    )


def request_for(operation: str, key_prefix: str) -> Request:
    """Each measured phase creates tickets under keys of its own: a repeated key would measure
    the idempotent replay (200) instead of the creation (201)."""
    return create_request(key_prefix) if operation == "create" else list_request


async def measure_backend(
    backend: str, base_url: str, token: str, options: argparse.Namespace
) -> list[Result]:
    run_id = uuid.uuid4().hex[:8]
    results: list[Result] = []
    widest = max([*options.concurrency, 64])
    async with client_for(base_url, token, widest) as client:
        # Warm-up: connections, the database pool, Django's lazy imports; not reported.
        warm_up = Result(backend, "warm-up", "")
        for operation in OPERATIONS:
            send = request_for(operation, f"{run_id}-warm")
            await closed_loop(client, send, options.warmup, 4, warm_up)
        if warm_up.errors:
            console.print(f"[red]{backend}: warm-up errors {dict(warm_up.statuses)}[/]")
        for concurrency in options.concurrency:
            for operation in OPERATIONS:
                result = Result(backend, operation, f"{concurrency}")
                send = request_for(operation, f"{run_id}-c{concurrency}")
                await closed_loop(client, send, options.requests, concurrency, result)
                results.append(result)
        if options.rate > 0:
            for operation in OPERATIONS:
                result = Result(backend, operation, f"{options.rate:g}/s paced")
                send = request_for(operation, f"{run_id}-paced")
                await open_loop(client, send, options.requests, options.rate, result)
                results.append(result)
    for result in results:
        if result.operation == "create" and result.statuses["200"]:
            console.print(f"[yellow]{backend}: {result.statuses['200']} creates were replays[/]")
    return results


def bench_backend(backend: str, options: argparse.Namespace) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix=f"cryptodesk-bench-{backend}-") as tmp:
        var_dir = Path(tmp)
        if backend == "sqlite":
            return bench_with_env(backend, backend_env(var_dir, None), var_dir, options)
        with postgres_database(options.postgres, options.bench_db) as url:
            if url is None:
                return []
            return bench_with_env(backend, backend_env(var_dir, url), var_dir, options)


def bench_with_env(
    backend: str, env: dict[str, str], var_dir: Path, options: argparse.Namespace
) -> list[Result]:
    console.print(f"[bold]{backend}[/]: migrating and creating the bench supervisor…")
    token = prepare_database(env)
    log_path = var_dir / "server.log"
    with running_server(env, options.workers, log_path) as base_url:
        console.print(f"[bold]{backend}[/]: measuring {base_url} ({options.workers} worker(s))…")
        results = asyncio.run(measure_backend(backend, base_url, token, options))
    if any(result.errors for result in results):
        print_server_problems(backend, log_path)
    return results


def print_server_problems(backend: str, log_path: Path) -> None:
    """The server's own account of the errors: its log without the access lines of 2xx."""
    lines = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if not ACCESS_LOG_OK.search(line)
    ]
    console.print(f"[red]{backend}: server log (without 2xx access lines), last 40 lines:[/]")
    console.print("\n".join(lines[-40:]), markup=False, highlight=False)


# --- report --------------------------------------------------------------------------------------


def verdict(result: Result) -> str:
    if result.errors:
        return "[red]errors[/]"
    if result.load.endswith("paced"):
        ok = result.percentile(0.99) < API_P99_BUDGET_MS
        return f"p99<{API_P99_BUDGET_MS:g}ms " + ("[green]met[/]" if ok else "[red]missed[/]")
    if result.operation == "create":
        ok = result.rate >= INGEST_BUDGET_PER_S
        return f">={INGEST_BUDGET_PER_S:g}/s " + ("[green]met[/]" if ok else "[red]missed[/]")
    return ""


def print_report(results: list[Result], options: argparse.Namespace) -> None:
    table = Table(
        title="cryptodesk REST API through `cryptodesk serve`",
        caption=(
            f"DESIGN.md budgets (2 cores, PostgreSQL): ingest >= {INGEST_BUDGET_PER_S:g} msg/s; "
            f"API p99 < {API_P99_BUDGET_MS:g} ms at {API_BUDGET_RATE:g} req/s.\n"
            f"Closed loop at each concurrency; 'paced' = open loop at --rate, latency from the "
            f"due time. Server workers: {options.workers}; client on the same machine."
        ),
    )
    for column in ("backend", "operation", "concurrency", "requests", "errors"):
        table.add_column(column, justify="left" if column in ("backend", "operation") else "right")
    for column in ("requests/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="right")
    table.add_column("budget")
    for result in results:
        table.add_row(
            result.backend,
            result.operation,
            result.load,
            str(result.requests),
            f"[red]{result.errors}[/]" if result.errors else "0",
            f"{result.rate:.0f}",
            f"{result.percentile(0.50):.1f}",
            f"{result.percentile(0.99):.1f}",
            verdict(result),
        )
    console.print(table)
    for result in results:
        if result.errors:
            failing = {k: v for k, v in result.statuses.items() if not k.startswith("2")}
            console.print(
                f"[red]{result.backend} {result.operation} @{result.load}: {failing}[/] "
                f"e.g. {result.error_samples[:1]}"
            )


def comma_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per operation and level")
    parser.add_argument("--concurrency", default="1,16", help="comma-separated levels")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--warmup", type=int, default=30, help="requests before measuring")
    parser.add_argument(
        "--rate",
        type=float,
        default=API_BUDGET_RATE,
        help="paced (open-loop) requests per second; 0 skips the paced run",
    )
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--bench-db", default="cryptodesk_bench", help="created and dropped")
    options = parser.parse_args(argv)
    options.concurrency = [int(level) for level in comma_list(options.concurrency)]
    options.backends = comma_list(options.backends)
    unknown = set(options.backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if options.requests < 1 or any(level < 1 for level in options.concurrency):
        parser.error("--requests and every --concurrency level must be at least 1")
    options.postgres = options.postgres.rstrip("/")
    return options


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    results: list[Result] = []
    for backend in options.backends:
        results += bench_backend(backend, options)
    if results:
        print_report(results, options)
    if any(result.errors for result in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
