from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "cryptodesk.complaints"
    label = "complaints"
