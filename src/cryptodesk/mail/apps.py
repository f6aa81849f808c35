from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "cryptodesk.mail"
    label = "mail"
