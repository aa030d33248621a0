"""Injected crash points for the crash-safety tests: a process whose ``ONEWINDOW_FEES_CRASH_AT``
names a point kills itself there (SIGKILL: no cleanup, no rollback handler, like a power cut).
Unset in every real deployment, where :func:`reach` does nothing."""

from __future__ import annotations

import os
import signal


def reach(point: str) -> None:
    """Die here if the environment asks for a crash at ``point``."""
    if os.environ.get("ONEWINDOW_FEES_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
