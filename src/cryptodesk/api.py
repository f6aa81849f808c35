"""The REST API under /api/v1/: bearer-token auth, one router per resource, and errors as JSON
with a stable ``code``, a human ``message`` and the ``field`` concerned."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from cryptodesk import __version__
from cryptodesk.accounts.models import Agent, ApiToken
from cryptodesk.accounts.queries import access_token_by_secret
from cryptodesk.complaints.api import queue_router as complaints_queue_router
from cryptodesk.complaints.api import router as complaints_router
from cryptodesk.core.errors import CryptodeskError, PermissionDenied
from cryptodesk.customers.api import router as customers_router
from cryptodesk.kb.api import router as kb_router
from cryptodesk.macros.api import router as macros_router
from cryptodesk.sla.api import assign_router as sla_assign_router
from cryptodesk.sla.api import queue_router as sla_queue_router
from cryptodesk.tickets.api import router as tickets_router

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Where django-ninja says a parameter came from; a client names the parameter without it.
PARAMETER_SOURCES = {"query", "path", "header", "cookie", "form"}


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Agent | None:
        api_token = access_token_by_secret(token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and api_token.scope != ApiToken.Scope.WRITE:
            raise PermissionDenied("This API token is read-only.")
        return api_token.agent


api = NinjaAPI(
    title="cryptodesk API",
    version=__version__,
    description="Tickets, messages and customers of a cryptodesk instance.",
    auth=ApiTokenAuth(),
    urls_namespace="api",
)
api.add_router("/tickets", tickets_router)
api.add_router("/customers", customers_router)
api.add_router("/tickets", sla_assign_router)
api.add_router("/queue", sla_queue_router)
api.add_router("/kb", kb_router)
api.add_router("/macros", macros_router)
api.add_router("/tickets", complaints_router)
api.add_router("/complaints", complaints_queue_router)


def error_response(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(CryptodeskError)
def on_domain_error(request: HttpRequest, exc: CryptodeskError) -> HttpResponse:
    return error_response(request, exc.status, exc.as_dict())


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:]  # "body", then the name of the view's schema parameter
        elif location and location[0] in PARAMETER_SOURCES:
            location = location[1:]
        errors.append({"field": ".".join(location), "message": error.get("msg", "invalid")})
    first = errors[0] if errors else {"field": "", "message": "invalid request"}
    body = {
        "code": "validation_error",
        "message": f"{first['field'] or 'request'}: {first['message']}",
        "field": first["field"],
        "errors": errors,
    }
    return error_response(request, 422, body)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "code": "unauthenticated",
        "message": "Send a valid API token in the header 'Authorization: Bearer <token>'.",
    }
    return error_response(request, 401, body)


@api.exception_handler(RequestDataTooBig)
def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1 << 20)
    body = {
        "code": "request_too_large",
        "message": f"The request body is larger than {limit_mb:g} MB; send a shorter message.",
    }
    return error_response(request, 413, body)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, {"code": "not_found", "message": "Not found."})


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "bad_request" if exc.status_code == 400 else f"http_{exc.status_code}"
    return error_response(request, exc.status_code, {"code": code, "message": str(exc)})
