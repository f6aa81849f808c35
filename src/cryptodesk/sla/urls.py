from django.urls import URLPattern, URLResolver, path

from cryptodesk.sla import views

app_name = "sla"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("presence/", views.presence, name="presence"),
    path("tickets/<int:number>/assign/", views.auto_assign, name="auto_assign"),
    path("calendars/new/", views.calendar_edit, name="calendar_new"),
    path("calendars/<int:pk>/", views.calendar_edit, name="calendar"),
    path("policies/new/", views.policy_edit, name="policy_new"),
    path("policies/<int:pk>/", views.policy_edit, name="policy"),
]
