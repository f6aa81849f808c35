"""The ``cryptodesk`` command: Django's management commands behind one name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cryptodesk.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    execute_from_command_line(["cryptodesk", *args])


if __name__ == "__main__":
    main()
