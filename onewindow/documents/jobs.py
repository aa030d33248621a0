"""Background rendering of issued documents (DESIGN.md §2: never inside a transition)."""

from __future__ import annotations

from datetime import datetime, timedelta

from onewindow.tasks.registry import periodic

from . import services


@periodic(services.RENDER_JOB, every=timedelta(minutes=1), wake=services.unrendered_since)
def render_pending(now: datetime) -> int:
    """Render and store the PDFs of documents issued since the last run. Idempotent."""
    return services.document_render_pending(limit=200)
