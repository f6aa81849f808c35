from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cryptodesk.accounts"
    label = "accounts"
