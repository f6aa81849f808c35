"""Access to console pages: a logged-in, active user with an Agent profile."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase

from cryptodesk.accounts.models import Agent
from cryptodesk.accounts.queries import agent_for_request


class AgentRequest(HttpRequest):
    agent: Agent


def console_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agent = agent_for_request(request)
        if agent is None:
            return HttpResponseForbidden("This account is not a support agent.")
        request.agent = agent  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
