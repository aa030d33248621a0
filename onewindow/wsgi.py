"""WSGI entry point (gunicorn, waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
application = get_wsgi_application()

# No start without the keys that protect personal data at rest (docs/security.md).
from onewindow.core.crypto import require_keys  # noqa: E402 — needs the settings loaded above

require_keys()
