from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "cryptodesk.kb"
    label = "kb"
