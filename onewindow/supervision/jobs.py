"""Periodic jobs of electronic supervision (run by ``onewindow.tasks``; each is idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from .services import sweep, verify_chains


@periodic("supervision.sweep", every=timedelta(minutes=1))
def supervision_sweep(now: datetime) -> int:
    """Deadline crossings since the last sweep, touched cases, resolutions (see ``services.sweep``)."""
    return sweep(now=now).fired


@periodic("supervision.verify_chains", every=timedelta(minutes=10))
def supervision_verify_chains(now: datetime) -> int:
    """办记不符 without any new event (a row edited in place): a rolling check of every case's
    hash chain, a bounded batch per run, so the whole register is re-verified continuously."""
    return verify_chains(now=now)
