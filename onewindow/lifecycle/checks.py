"""System check of the chain key: production refuses to start without ``ONEWINDOW_CHAIN_KEY``."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.checks import Error, register

from . import keys

# The commands that start the service or write history with the key: refused without one in
# production. Others (makemigrations, shell, the tests' own) run with the key file regardless.
GUARDED_COMMANDS = frozenset({"serve", "worker", "runserver", "migrate", "check", "load_demo"})


@register()
def check_chain_key(app_configs: object = None, **kwargs: object) -> list[Error]:
    """An error when the key is malformed, or missing outside development, tests and the demo
    (DEBUG off, no ``ONEWINDOW_CHAIN_KEY_FILE=1``): the key generated under var/ would sit on the
    same disk as the database it protects. ``manage.py serve``, ``worker``, ``migrate`` (which
    re-signs history once) and ``check`` run the checks first, so production refuses to start;
    other commands are let through (``makemigrations`` needs no key)."""
    text = keys.from_environment()
    if text is None:
        allowed = {"1", "true", "yes", "on"}
        testing = os.environ.get("ONEWINDOW_TESTING", "").lower() in allowed
        # The demo (make run) says so: its generated key under var/ is acceptable there.
        demo = os.environ.get(keys.FILE_OK_ENV, "").lower() in allowed
        command = sys.argv[1] if len(sys.argv) > 1 else ""
        if settings.DEBUG or testing or demo or command not in GUARDED_COMMANDS:
            return []
        return [Error(f"{keys.ENV} is not set: the history chain must be keyed with a secret kept outside the "
                      "database and its server (e.g. 64 random hex characters; see docs/security.md).",
                      id="lifecycle.E001")]
    try:
        keys.parse(text)
    except ValueError as exc:
        return [Error(f"{keys.ENV} is invalid: {exc}", id="lifecycle.E002")]
    return []
