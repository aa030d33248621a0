"""The projects app's part of every supervision sweep: bring each running project up to date with
its cases (a concluded case makes its plan line done, closing the line's deadline row) and open the
month's self-check. The sweep scans deadline rows before the checks run, so a row closed here stops
raising warnings from the next sweep on (and the warnings about it resolve then)."""

from __future__ import annotations

from typing import Any

from onewindow.lifecycle.registry import Check, register_check


def sync_projects(run: Any) -> None:
    from .services import projects_sync

    projects_sync(at=getattr(run, "now", None))


def register() -> None:
    register_check(Check(name="projects.sync", run=sync_projects))
