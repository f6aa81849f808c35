"""Background jobs of the sla app, each idempotent: the auto-acknowledgement and automatic
assignment of a new ticket, reassignment after an agent went offline, and the periodic SLA
check. The actions are imported inside the jobs because the ticket actions import this module
to enqueue them."""

from __future__ import annotations

import math
import os
from datetime import timedelta

from django.conf import settings
from django_tasks import task

from cryptodesk.core import clock
from cryptodesk.core.aftercommit import enqueue_on_commit

CHECK_TASK_PATH = "cryptodesk.sla.tasks.sla_check_periodic"


def check_interval() -> timedelta:
    """``CRYPTODESK_SLA_CHECK_SECONDS`` from the environment (or settings); 60 by default."""
    raw = os.environ.get("CRYPTODESK_SLA_CHECK_SECONDS") or str(
        getattr(settings, "CRYPTODESK_SLA_CHECK_SECONDS", "60")
    )
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 60.0
    if not math.isfinite(seconds):  # "inf" overflows timedelta; "nan" means nothing
        seconds = 60.0
    return timedelta(seconds=max(5.0, seconds))


def after_ticket_created_on_commit(number: int, *, acknowledge: bool) -> None:
    enqueue_on_commit(lambda: after_ticket_created.enqueue(number, acknowledge))


@task()
def after_ticket_created(number: int, acknowledge: bool) -> dict[str, object]:
    """Acknowledge a new ticket to its customer (at most once) and assign it if an eligible
    agent is online."""
    from cryptodesk.sla.actions import do_acknowledge_ticket, do_auto_assign

    acknowledged = do_acknowledge_ticket(number) is not None if acknowledge else False
    assignee = do_auto_assign(number)
    return {"acknowledged": acknowledged, "assignee": assignee.pk if assignee else None}


@task()
def assign_ticket(number: int) -> int | None:
    from cryptodesk.sla.actions import do_auto_assign

    assignee = do_auto_assign(number)
    return assignee.pk if assignee else None


@task()
def assign_waiting_tickets(limit: int = 50) -> int:
    """Hand waiting unassigned tickets, most urgent first, to the agents now online."""
    from cryptodesk.sla.actions import do_assign_waiting

    return do_assign_waiting(limit)


@task()
def sla_check_periodic() -> dict[str, int]:
    """Run the warning and escalation pass, then schedule the next run unless one is queued."""
    from cryptodesk.sla.actions import run_sla_check

    try:
        report = run_sla_check()
    finally:
        # A failed pass must not end the chain: nothing else would schedule the next one
        # until the worker restarts.
        schedule_next_check()
    return report.counts()


def schedule_next_check() -> bool:
    from django_tasks_db.models import DBTaskResult

    # Two workers may both schedule one here; a duplicate run only finds nothing left to do.
    waiting = DBTaskResult.objects.filter(task_path=CHECK_TASK_PATH, status="READY").exists()
    if waiting:
        return False
    sla_check_periodic.using(run_after=clock.now() + check_interval()).enqueue()
    return True
