from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cryptodesk.portal"
    label = "portal"
