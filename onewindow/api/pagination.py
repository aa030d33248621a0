"""Paging for list endpoints: ninja's limit/offset, with both numbers bounded.

ninja's own ``LimitOffsetPagination`` leaves ``offset`` (and, with no configured maximum,
``limit``) unbounded above: ``?offset=18446744073709551616`` reached the database as an OFFSET
wider than 64 bits (OverflowError on SQLite, DataError on PostgreSQL, a 500 either way). Here
both stay within a 64-bit integer, and a larger value is a 422 naming the parameter.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from onewindow.core.bounds import DB_INT_MAX

DEFAULT_LIMIT = 100


class BoundedLimitOffset(LimitOffsetPagination):
    """``?limit=&offset=`` paging: limit 1 … 2⁶³−1 (default 100), offset 0 … 2⁶³−1."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=DB_INT_MAX, description="最多返回条数")
        offset: int = Field(0, ge=0, le=DB_INT_MAX, description="跳过的条数")
