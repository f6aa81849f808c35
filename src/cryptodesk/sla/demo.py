"""Demo SLA setup: two calendars, policies for three tiers, a VIP desk, agents' topic skills
and presence, clocks on the demo tickets, and a breached and an at-risk ticket to look at."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from cryptodesk.accounts.models import Agent, Presence, Skill, Team
from cryptodesk.core import clock
from cryptodesk.customers.models import Customer
from cryptodesk.sla.actions import do_start_missing_clocks, run_sla_check
from cryptodesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, TierTeam
from cryptodesk.sla.tasks import schedule_next_check
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.pipeline import InboundMessage, Sender

WEEKDAY_HOURS = [[[540, 1080]]] * 5 + [[[600, 840]], []]
# tier, priority, calendar, (first response, next response, resolution) in minutes, escalation
POLICIES: list[tuple[str, str, str, tuple[int, int, int], dict[str, object]]] = [
    ("standard", "urgent", "24/7", (30, 60, 240), {"escalate_raise_priority": False}),
    ("standard", "high", "24/7", (240, 240, 1440), {"escalate_raise_priority": True}),
    ("standard", "normal", "hk", (480, 480, 2700), {"escalate_raise_priority": True}),
    ("standard", "low", "hk", (1440, 1440, 5400), {"escalate_notify_supervisors": False}),
    ("vip", "urgent", "24/7", (15, 30, 120), {"escalate_to_team": "vip"}),
    ("vip", "high", "24/7", (60, 120, 480), {"escalate_to_team": "vip"}),
    ("vip", "normal", "24/7", (120, 240, 1440), {"escalate_raise_priority": True}),
    ("institutional", "urgent", "24/7", (10, 20, 120), {"escalate_to_team": "vip"}),
    ("institutional", "high", "24/7", (30, 60, 480), {"escalate_to_team": "vip"}),
    ("institutional", "normal", "hk", (120, 240, 1440), {"escalate_raise_priority": True}),
]
TIER_NAMES = {"standard": "Standard", "vip": "VIP", "institutional": "Institutional"}
TEAM_TOPICS = {
    "funds": ["deposits", "withdrawals"],
    "security": ["2fa", "password", "account", "kyc", "scams"],
    "trading": ["fees", "trading", "api"],
}
ONLINE = ("alice", "wangbo", "david", "emma", "mei")
AWAY = ("lina",)


def load_demo_sla() -> int:
    """Idempotent: a second run finds everything in place. Returns how many messages it added
    (the two showcase tickets' first messages)."""
    with transaction.atomic():
        calendars = create_calendars()
        vip_desk, _ = Team.objects.get_or_create(
            slug="vip", defaults={"name": "VIP desk", "description": "VIP and institutional."}
        )
        create_policies(calendars, vip_desk)
        TierTeam.objects.get_or_create(tier="vip", defaults={"team": vip_desk})
        TierTeam.objects.get_or_create(tier="institutional", defaults={"team": vip_desk})
        tier_customers()
        prepare_agents(vip_desk)
    do_start_missing_clocks()
    added = showcase_tickets()
    run_sla_check()
    schedule_next_check()
    return added


def create_calendars() -> dict[str, BusinessCalendar]:
    hk, _ = BusinessCalendar.objects.get_or_create(
        name="Hong Kong support desk",
        defaults={"time_zone": "Asia/Hong_Kong", "hours": WEEKDAY_HOURS, "holiday_country": "HK"},
    )
    today = clock.now().date()
    year = today.year if today < date(today.year, 12, 24) else today.year + 1
    CalendarHoliday.objects.get_or_create(
        calendar=hk, date=date(year, 12, 24), defaults={"name": "Year-end systems upgrade"}
    )
    always, _ = BusinessCalendar.objects.get_or_create(
        name="Global desk 24/7", defaults={"time_zone": "UTC", "always_open": True}
    )
    return {"hk": hk, "24/7": always}


def create_policies(calendars: dict[str, BusinessCalendar], vip_desk: Team) -> None:
    for tier, priority, calendar, (first, following, resolution), extra in POLICIES:
        escalation = dict(extra)
        if escalation.pop("escalate_to_team", None):
            escalation["escalate_to_team"] = vip_desk
        SlaPolicy.objects.get_or_create(
            priority=priority,
            tier=tier,
            defaults={
                "name": f"{TIER_NAMES[tier]} · {priority}",
                "calendar": calendars[calendar],
                "first_response_minutes": first,
                "next_response_minutes": following,
                "resolution_minutes": resolution,
                **escalation,
            },
        )


def tier_customers() -> None:
    """Every 12th demo customer is VIP, every 30th an institution."""
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    Customer.objects.filter(pk__in=ids[::12]).update(tier="vip")
    Customer.objects.filter(pk__in=ids[5::30]).update(tier="institutional")


def prepare_agents(vip_desk: Team) -> None:
    topics = {skill.code: skill for skill in Skill.objects.filter(kind=Skill.Kind.TOPIC)}
    for agent in Agent.objects.prefetch_related("teams"):
        slugs = {team.slug for team in agent.teams.all()}
        agent.skills.add(
            *[
                topics[code]
                for slug in slugs
                for code in TEAM_TOPICS.get(slug, [])
                if code in topics
            ]
        )
    for member in Agent.objects.filter(user__username__in=("mei", "alice")):
        member.teams.add(vip_desk)
        member.skills.add(*topics.values())
    now = clock.now()
    Agent.objects.filter(user__username__in=ONLINE).update(
        presence=Presence.ONLINE, presence_changed_at=now
    )
    Agent.objects.filter(user__username__in=AWAY).update(
        presence=Presence.AWAY, presence_changed_at=now
    )


def showcase_tickets() -> int:
    """One ticket past its first-response target and one close to it, unassigned, so the queue
    shows both states at the top."""
    now = clock.now()
    added = 0
    for key, minutes_ago, subject, text in (
        (
            "demo-sla-breached",
            190,
            "Withdrawal of 12,000 USDT stuck for 3 hours",
            "My USDT withdrawal to my hardware wallet has shown 'processing' for three hours. "
            "I need these funds today.",
        ),
        (
            "demo-sla-at-risk",
            200,
            "Cannot log in after changing my phone",
            "I changed my phone and the authenticator codes no longer work. Please help me "
            "regain access.",
        ),
    ):
        result = do_ingest_message(
            InboundMessage(
                channel="web",
                sender=Sender(kind="email", value=f"{key}@example.com", name="Demo Customer"),
                subject=subject,
                text=text,
                idempotency_key=key,
                requested_priority="urgent" if key == "demo-sla-breached" else "high",
                language_hint="en",
                received_at=now - timedelta(minutes=minutes_ago),
            )
        )
        added += int(result.created)
    return added
