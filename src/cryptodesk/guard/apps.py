from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "cryptodesk.guard"
    label = "guard"
