"""WSGI entry point (gunicorn, waitress)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
application = get_wsgi_application()

# No start without the keys that protect personal data at rest (docs/security.md).
from onewindow.core.crypto import require_keys  # noqa: E402 — needs the settings loaded above

require_keys()

# What the import built (modules, settings, URL patterns, models: ~300 000 objects) lives as long
# as the process. Frozen, the collector's full passes skip it: on the hall's staff pages a full pass
# then costs a fifth of what it did (in-process probe, docs/operations.md), and workers forked from
# gunicorn's --preload master leave those shared pages unwritten (copy-on-write).
gc.freeze()
