from django.apps import AppConfig


class NluConfig(AppConfig):
    name = "cryptodesk.nlu"
    label = "nlu"
