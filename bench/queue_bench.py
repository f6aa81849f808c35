"""Queue benchmark: the console queue page and ``GET /api/v1/queue`` with 100,000 open tickets
on PostgreSQL.

It creates a database for the run (dropped afterwards), migrates it, bulk-loads customers and
tickets whose priorities, SLA due times, ages, teams and assignees are spread like a busy
exchange desk's, runs ``ANALYZE`` and prints the query plan of the urgency-ordered queue (it
should walk the partial index ``ticket_urgency`` and stop after one page). Then it measures, in
process through Django's test client (view, templates, ORM and database; no HTTP server, no
network), the latency of:

- ``GET /tickets/`` (the console queue, 50 per page) for a supervisor and for a team agent;
- ``GET /api/v1/queue?limit=20`` for a supervisor and for a team agent.

Run: ``.venv/bin/python bench/queue_bench.py [--tickets 100000] [--requests 100]`` with
``DATABASE_URL`` pointing at a PostgreSQL server (default postgres://postgres@127.0.0.1:5432/).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import sql
from rich.console import Console
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 120)
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
STATUSES = ["new"] * 30 + ["open"] * 45 + ["pending"] * 15 + ["on_hold"] * 10
PRIORITIES = ["urgent"] * 3 + ["high"] * 12 + ["normal"] * 65 + ["low"] * 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="Do not drop the database.")
    args = parser.parse_args()
    name = f"cryptodesk_queue_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = SERVER_URL.rpartition("/")
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("CRYPTODESK_VAR_DIR", tempfile.mkdtemp(prefix="queue-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cryptodesk.settings"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(SERVER_URL, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    with console.status("migrating"):
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with console.status(f"loading {args.tickets:,} tickets"):
        people = seed(args.tickets, args.customers)
    console.print(
        f"Loaded {args.tickets:,} tickets of {args.customers:,} customers "
        f"in {time.perf_counter() - started:.1f} s."
    )
    show_plan(people["agent"])
    measure(people, args.requests)


def seed(tickets: int, customers: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from cryptodesk.accounts.actions import do_create_agent, do_create_api_token
    from cryptodesk.accounts.models import Role, Team
    from cryptodesk.customers.models import Customer, Identity
    from cryptodesk.sla.models import BusinessCalendar, SlaPolicy
    from cryptodesk.tickets.models import PRIORITY_RANK, Ticket

    rng = random.Random(3)
    teams = [
        Team.objects.create(slug=slug, name=slug.title())
        for slug in ("funds", "security", "trading", "vip")
    ]
    calendar = BusinessCalendar.objects.create(name="24/7", time_zone="UTC", always_open=True)
    policies = {
        priority: SlaPolicy.objects.create(
            name=priority,
            priority=priority,
            tier="standard",
            calendar=calendar,
            first_response_minutes=minutes,
            next_response_minutes=minutes,
            resolution_minutes=minutes * 12,
        )
        for priority, minutes in (("urgent", 30), ("high", 120), ("normal", 480), ("low", 1440))
    }

    def agent(username: str, role: str, team: list[Team]) -> Any:
        made = do_create_agent(
            username=username,
            email=f"{username}@bench.example.com",
            password=uuid.uuid4().hex,
            display_name=username.title(),
            role=role,
            teams=team,
            check_password=False,
        )
        _token, raw = do_create_api_token(made, "bench", "read")
        return made, raw

    supervisor, supervisor_token = agent("boss", Role.SUPERVISOR, [])
    member, member_token = agent("member", Role.AGENT, [teams[0]])
    others = [agent(f"agent{i}", Role.AGENT, [teams[i % 4]])[0] for i in range(20)]
    people = Customer.objects.bulk_create(
        [Customer(name=f"Customer {i}", language="en") for i in range(customers)],
        batch_size=5000,
    )
    Identity.objects.bulk_create(
        [Identity(customer=c, kind="email", value=f"c{c.pk}@example.com") for c in people],
        batch_size=5000,
    )
    now = timezone.now()
    rows = []
    for i in range(tickets):
        created = now - timedelta(minutes=rng.randint(1, 30 * 24 * 60))
        priority = rng.choice(PRIORITIES)
        status = rng.choice(STATUSES)
        policy = policies[priority]
        due = created + timedelta(minutes=policy.first_response_minutes)
        rows.append(
            Ticket(
                subject=f"Ticket {i}: deposit not credited",
                status=status,
                priority=priority,
                priority_rank=PRIORITY_RANK[priority],  # type: ignore[index]
                channel=rng.choice(["email", "web", "chat", "api"]),
                customer=rng.choice(people),
                team=rng.choice([*teams, None]),
                assignee=rng.choice([None, None, *others]),
                language="en",
                created_at=created,
                updated_at=created,
                sla_policy=policy,
                first_response_due=due,
                resolution_due=created + timedelta(minutes=policy.resolution_minutes),
                sla_due=None if status == "pending" else due,
                sla_warn_at=None if status == "pending" else due - timedelta(minutes=5),
                sla_paused_at=created if status == "pending" else None,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "supervisor": (supervisor, supervisor_token),
        "agent": (member, member_token),
    }


def show_plan(agent_and_token: tuple[Any, str]) -> None:
    from django.db import connection

    from cryptodesk.sla.queries import next_tickets_for

    agent, _token = agent_and_token
    query = next_tickets_for(agent, 20)
    sql_text, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql_text}", params)
        plan = [row[0] for row in cursor.fetchall()]
    console.print("[bold]Plan of /api/v1/queue for a team agent[/bold]")
    for line in plan:
        console.print("  " + line, highlight=False, soft_wrap=True)


def timed(call: Callable[[], Any], requests: int) -> list[float]:
    samples = []
    for _ in range(3):  # warm up connections and caches
        call()
    for _ in range(requests):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def measure(people: dict[str, tuple[Any, str]], requests: int) -> None:
    from django.test import Client

    table = Table(title=f"Latency over {requests} requests each (ms, in process)")
    for column in ("request", "as", "p50", "p95", "max"):
        table.add_column(column, justify="right" if column in ("p50", "p95", "max") else "left")
    for who, (agent, token) in people.items():
        page = Client(HTTP_HOST="127.0.0.1")
        page.force_login(agent.user)
        api = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Bearer {token}"})
        for label, call in (
            ("GET /tickets/ (queue page)", lambda page=page: page.get("/tickets/")),
            ("GET /api/v1/queue?limit=20", lambda api=api: api.get("/api/v1/queue?limit=20")),
        ):
            samples = timed(call, requests)
            table.add_row(
                label,
                who,
                f"{statistics.median(samples):.1f}",
                f"{percentile(samples, 0.95):.1f}",
                f"{max(samples):.1f}",
            )
    console.print(table)
    slowest_queries(people["agent"][0])


def slowest_queries(agent: Any) -> None:
    """Where the queue page's time goes: its three slowest queries for a team agent."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(agent.user)
    page.get("/tickets/")
    with CaptureQueriesContext(connection) as context:
        page.get("/tickets/")
    queries = sorted(context.captured_queries, key=lambda q: -float(q["time"]))
    console.print(f"[bold]Queue page: {len(queries)} queries; the slowest[/bold]")
    for query in queries[:3]:
        took = float(query["time"]) * 1000
        console.print(f"  {took:6.1f} ms  {query['sql'][:150]}", soft_wrap=True, highlight=False)


if __name__ == "__main__":
    main()
