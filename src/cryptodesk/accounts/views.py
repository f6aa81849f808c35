"""Sign-in, personal settings (language, API tokens) and notifications."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cryptodesk.accounts.actions import do_create_api_token, do_revoke_api_token, do_set_ui_language
from cryptodesk.accounts.queries import agent_tokens
from cryptodesk.core.errors import CryptodeskError
from cryptodesk.core.ids import parse_id
from cryptodesk.web.auth import console_view


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
@console_view
def agent_settings(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "language":
                do_set_ui_language(agent, request.POST.get("language", ""))
                flash.success(request, _("Language saved."))
                return redirect("accounts:settings")
            if action == "create_token":
                _token, new_token = do_create_api_token(
                    agent, request.POST.get("name", ""), request.POST.get("scope", "write")
                )
            elif action == "revoke_token":
                do_revoke_api_token(agent, parse_id(request.POST.get("token_id", "")) or 0)
                flash.success(request, _("Token revoked."))
                return redirect("accounts:settings")
        except CryptodeskError as error:
            flash.error(request, error.message)
    return render(
        request,
        "accounts/settings.html",
        {"tokens": agent_tokens(agent), "new_token": new_token},
    )


@require_http_methods(["GET"])
@console_view
def notifications(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    items = list(agent.notifications.select_related("ticket")[:100])
    return render(request, "accounts/notifications.html", {"items": items})


@require_POST
@console_view
def notifications_read(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    agent.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("accounts:notifications")
