"""WSGI entry point for HTTP-only workers in the scale-out mode."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cryptodesk.settings")

application = get_wsgi_application()
