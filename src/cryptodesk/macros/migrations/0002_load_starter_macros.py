"""A fresh install starts with the starter set of reply templates (idempotent)."""

from typing import Any

from django.db import migrations


def load_starter(apps: Any, schema_editor: Any) -> None:
    from cryptodesk.macros.actions import do_load_starter_macros

    do_load_starter_macros(
        apps.get_model("macros", "Macro"), apps.get_model("macros", "MacroTranslation")
    )


class Migration(migrations.Migration):
    dependencies = [("macros", "0001_macros_and_translations")]

    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
