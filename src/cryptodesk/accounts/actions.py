"""Writes for agents, teams and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent, ApiToken, Role, Team, hash_token
from cryptodesk.core.errors import NotFound, ValidationFailed


def do_create_agent(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str,
    role: str = Role.AGENT,
    teams: list[Team] | None = None,
    capacity: int = 10,
    ui_language: str = "",
    check_password: bool = True,
) -> Agent:
    if role not in Role.values:
        raise ValidationFailed(
            _("Role must be one of %(values)s.") % {"values": ", ".join(Role.values)}, field="role"
        )
    user_model = get_user_model()
    if check_password:
        try:
            validate_password(password, user_model(username=username, email=email))
        except ValidationError as error:
            raise ValidationFailed(" ".join(error.messages), field="password") from error
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(
                username=username,
                email=email,
                password=password,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            agent = Agent.objects.create(
                user=user,
                display_name=display_name or username,
                role=role,
                capacity=capacity,
                ui_language=ui_language,
            )
            if teams:
                agent.teams.set(teams)
    except IntegrityError as error:
        raise ValidationFailed(
            _("The user name '%(username)s' is taken.") % {"username": username}, field="username"
        ) from error
    return agent


def do_create_api_token(
    agent: Agent, name: str, scope: str = ApiToken.Scope.WRITE
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the raw secret, which is shown once and never stored."""
    if scope not in ApiToken.Scope.values:
        raise ValidationFailed(_("Scope must be 'read' or 'write'."), field="scope")
    name = name.strip()[:100] or "API token"
    prefix, raw = ApiToken.generate()
    token = ApiToken.objects.create(
        agent=agent, name=name, prefix=prefix, token_hash=hash_token(raw), scope=scope
    )
    return token, raw


def do_revoke_api_token(agent: Agent, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, agent=agent, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("No such active token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def do_set_ui_language(agent: Agent, language: str) -> None:
    codes = {"", "en", "zh-hans", "zh-hant"}
    if language not in codes:
        raise ValidationFailed(_("Unknown language."), field="language")
    Agent.objects.filter(pk=agent.pk).update(ui_language=language)
    agent.ui_language = language
