"""The case list of the API (``GET /api/v1/cases``): filters and cursor paging over the cases the
caller may see (:func:`.selectors.visible_cases`), for integrations that list or sync cases.

Pages are ordered by the case's id, ascending, and the cursor is the last id of the page (opaque
to the caller: a base64 text), so a page never repeats or skips a case when new cases arrive
while the caller pages. ``updated_since`` keeps the cases with an event recorded at or after that
moment (every change of a case is an event, DESIGN.md §3), so a sync asks only for what changed.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet

from onewindow.core.errors import DomainError
from onewindow.organization.models import Staff
from onewindow.organization.rules import InvalidRegionCode, region_prefix

from .models import Case, CaseEvent
from .selectors import visible_cases
from .states import Status

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class CaseFilters:
    """What the caller narrows the list to; None: not filtered."""

    status: list[str] | None = None
    department: str | None = None  # department code
    item: str | None = None  # implementation code
    region: str | None = None  # 12-digit region code: that region and below
    submitted_from: date | None = None
    submitted_to: date | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"c{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; a cursor this API did not give is a 400 naming ``cursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("c") or not text[1:].isdigit():
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError("cursor.invalid", "分页游标无效，请使用上一页返回的 next_cursor", field="cursor") from None


def _checked(filters: CaseFilters) -> None:
    unknown = [s for s in filters.status or [] if s not in Status.__members__.values()]
    if unknown:
        raise DomainError("status.invalid", f"未知的办件状态：{'、'.join(unknown)}（可用：{'、'.join(Status)}）",
                          field="status")
    if filters.region is not None:
        try:
            region_prefix(filters.region)
        except InvalidRegionCode:
            raise DomainError("region.invalid", "区划代码须为12位数字", field="region") from None
    if filters.submitted_from and filters.submitted_to and filters.submitted_from > filters.submitted_to:
        raise DomainError("dates.reversed", "起始日期不能晚于截止日期", field="submitted_from")
    if filters.updated_since is not None and filters.updated_since.tzinfo is None:
        raise DomainError("updated_since.naive", "updated_since 须带时区", field="updated_since")


def filtered(staff: Staff | None, filters: CaseFilters) -> QuerySet[Case]:
    """The cases the staff member may see, narrowed by ``filters`` (checked first: 400 on bad input)."""
    _checked(filters)
    cases = visible_cases(staff)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.department:
        cases = cases.filter(department__code=filters.department)
    if filters.item:
        cases = cases.filter(item__implementation_code=filters.item)
    if filters.region:
        cases = cases.filter(region__code__startswith=region_prefix(filters.region))
    if filters.submitted_from:
        cases = cases.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        cases = cases.filter(submitted_at__date__lte=filters.submitted_to)
    if filters.updated_since is not None:
        changed = CaseEvent.objects.filter(case=OuterRef("pk"), recorded_at__gte=filters.updated_since)
        cases = cases.filter(Exists(changed))
    return cases


def case_page(staff: Staff | None, filters: CaseFilters, *, cursor: str | None = None,
              limit: int = DEFAULT_LIMIT) -> CasePage:
    """One page of the filtered cases after ``cursor``, at most ``limit`` (1 … 200) of them."""
    if limit < 1 or limit > MAX_LIMIT:
        raise DomainError("limit.invalid", f"每页条数须在 1 到 {MAX_LIMIT} 之间", field="limit")
    cases = filtered(staff, filters)
    if cursor:
        cases = cases.filter(pk__gt=decode_cursor(cursor))
    rows = list(cases.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return CasePage(rows, encode_cursor(rows[-1].pk) if more else None)
