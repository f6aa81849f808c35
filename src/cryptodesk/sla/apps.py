from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "cryptodesk.sla"
    label = "sla"
