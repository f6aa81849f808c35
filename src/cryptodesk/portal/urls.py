from django.urls import path

from cryptodesk.portal import views

app_name = "portal"
urlpatterns = [
    path("new/", views.new_request, name="new"),
    path("t/<str:token>/", views.follow_request, name="follow"),
]
