"""System checks of the core: the keys that protect personal data at rest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import crypto


@register(Tags.security, deploy=True)
def data_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """core.E010 (deploy): the data keys or the blind-index key are missing or malformed.

    A deploy check, so that ``makemigrations`` and other development commands run without keys;
    the server itself refuses to start without them (:func:`crypto.require_keys` in wsgi.py and
    ``manage.py serve``), and every read or write of an encrypted column fails."""
    return [Error(problem, hint="Set ONEWINDOW_DATA_KEYS (kid:base64 32-byte key, …) and ONEWINDOW_BLIND_INDEX_KEY "
                                "in the environment; see docs/security.md", id="core.E010")
            for problem in crypto.keys_status()]


@register(Tags.security, deploy=True)
def dev_key_files_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """core.W010 (deploy): keys come from files generated in VAR_DIR, not from the environment."""
    config = getattr(settings, "ONEWINDOW", {})
    if config.get("DATA_KEYS") and config.get("BLIND_INDEX_KEY"):
        return []
    return [Warning("Personal data is encrypted with development key files generated in ONEWINDOW_VAR_DIR",
                    hint="Production keys come from ONEWINDOW_DATA_KEYS and ONEWINDOW_BLIND_INDEX_KEY, kept outside "
                         "the server's disk image and backups", id="core.W010")]
