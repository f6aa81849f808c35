from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cryptodesk.core"
    label = "core"
