"""The WSGI entry point leaves what its import built out of the garbage collector's full passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_entry_point_freezes_the_imported_objects(tmp_path):
    probe = ("import gc; before = gc.get_freeze_count(); import onewindow.wsgi; "
             "print(before, gc.get_freeze_count(), callable(onewindow.wsgi.application))")
    env = {**os.environ, "ONEWINDOW_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "onewindow.settings"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    before, after, callable_app = done.stdout.split()
    assert before == "0"
    assert int(after) > 50_000  # Django, the apps and their models: the bulk of a worker's objects
    assert callable_app == "True"
