from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "cryptodesk.tickets"
    label = "tickets"
