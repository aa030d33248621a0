"""WSGI entry point (gunicorn, waitress)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
application = get_wsgi_application()

# No start without the keys that protect personal data at rest (docs/security.md).
from onewindow.core.crypto import require_keys  # noqa: E402 — needs the settings loaded above

require_keys()

# What the import built (modules, settings, URL patterns, models) lives as long as the process:
# frozen, the collector's full passes skip it — a worker's full collection walks only what its
# requests made — and workers forked from gunicorn's --preload master leave those shared pages
# unwritten. Requests make many short-lived objects and few cycles: the youngest generation is
# collected after ONEWINDOW_GC_GEN0 allocations net of frees (Python's default 700; docs/operations.md).
gc.freeze()
gc.set_threshold(int(os.environ.get("ONEWINDOW_GC_GEN0", "700")), *gc.get_threshold()[1:])
