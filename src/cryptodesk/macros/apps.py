from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "cryptodesk.macros"
    label = "macros"
