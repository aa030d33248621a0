"""Filters and cursor paging of the API's lists (``GET /work-tasks``, ``/problems``,
``/inspections``), as ``GET /api/v1/cases`` pages: ordered by id, the cursor the last id of the
page (opaque base64), so a page never repeats or skips a record when new ones arrive."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet

from onewindow.core.errors import DomainError
from onewindow.organization.rules import InvalidRegionCode, region_prefix

from .rules import TaskState

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"w{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; a cursor this API did not give is a 400 naming ``cursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("w") or not text[1:].isdigit():
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError("cursor.invalid", "分页游标无效，请使用上一页返回的 next_cursor", field="cursor") from None


def page(rows: QuerySet[Any], *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """One page of ``rows`` (ordered by id) after ``cursor``: at most ``limit`` (1 … 200) and the
    next cursor, None on the last page."""
    if limit < 1 or limit > MAX_LIMIT:
        raise DomainError("limit.invalid", f"每页条数须在 1 到 {MAX_LIMIT} 之间", field="limit")
    if cursor:
        rows = rows.filter(pk__gt=decode_cursor(cursor))
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1].pk) if more else None


def choice(value: str, allowed: set[str], field: str) -> str:
    """``value`` if it is one of ``allowed``, else a 400 naming the field and the values allowed."""
    if value not in allowed:
        raise DomainError("invalid_input", f"{field} 须为 {'、'.join(sorted(allowed))} 之一", field=field)
    return value


def prefix(code: str) -> str:
    try:
        return region_prefix(code)
    except InvalidRegionCode:
        raise DomainError("invalid_input", "region 须为 12 位区划代码", field="region") from None


def late_q(today: date) -> Q:
    """Tasks late as :func:`onewindow.worktasks.selectors.is_late` says: open past the date, or
    closed after it."""
    return (Q(state=TaskState.OPEN, due_on__lt=today)
            | Q(state=TaskState.CLOSED, closed_on__isnull=False, closed_on__gt=F("due_on")))
