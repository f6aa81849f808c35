"""Reads for agents and tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cryptodesk.accounts.models import Agent, ApiToken, hash_token

# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def access_token_by_secret(raw: str) -> ApiToken | None:
    if not raw.startswith("cdk_") or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("agent", "agent__user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, agent__user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def agent_for_request(request: HttpRequest) -> Agent | None:
    """The agent behind a logged-in console session, or None for anyone else."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return Agent.objects.filter(user=user).first()


def active_agents() -> QuerySet[Agent]:
    return Agent.objects.filter(user__is_active=True).select_related("user")


def agent_tokens(agent: Agent) -> QuerySet[ApiToken]:
    return agent.api_tokens.filter(revoked_at__isnull=True)
