from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cryptodesk.web"
    label = "web"
