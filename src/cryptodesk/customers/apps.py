from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "cryptodesk.customers"
    label = "customers"
