from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cryptodesk.demo"
    label = "demo"
