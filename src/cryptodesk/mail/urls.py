from django.urls import URLPattern, URLResolver, path

from cryptodesk.mail import views

app_name = "mail"
urlpatterns: list[URLPattern | URLResolver] = [
    path("emails/<int:pk>/raw/", views.raw_source, name="raw"),
    path("emails/<int:pk>/retry/", views.retry_send, name="retry"),
]
