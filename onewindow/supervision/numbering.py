"""Numbers of supervision documents: 督办单 and 效能告诫, per region, year and kind."""

from __future__ import annotations

from django.db.models import F

from onewindow.organization.models import Region

from .models import (
    NumberSequence,
)

# -- numbering -------------------------------------------------------------------------------------------


def next_number(region: Region, year: int, kind: str) -> str:
    """``<region prefix>-<kind><year>-<seq>``, e.g. 990121-DB2026-0001 (督办) or 990121-GJ2026-0001 (告诫)."""
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(region=region, year=year, kind=kind)
    NumberSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db(fields=["last"])
    return f"{region.prefix}-{kind}{year}-{seq.last:04d}"
