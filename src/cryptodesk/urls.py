from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cryptodesk.api import api
from cryptodesk.core.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:queue", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("accounts/", include("cryptodesk.accounts.urls")),
    path("tickets/", include("cryptodesk.tickets.urls")),
    path("customers/", include("cryptodesk.customers.urls")),
    path("support/", include("cryptodesk.portal.urls")),
    path("help/", include("cryptodesk.kb.public_urls")),
    path("kb/", include("cryptodesk.kb.urls")),
    path("sla/", include("cryptodesk.sla.urls")),
    path("macros/", include("cryptodesk.macros.urls")),
    path("complaints/", include("cryptodesk.complaints.urls")),
    path("mail/", include("cryptodesk.mail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
