"""Input bounds read from the models, so a schema or a form can never drift from the column it fills.

A value longer than its column, or an integer wider than its column, is refused at the edge with
the field named (422 from the API, a form error on a page) instead of reaching the database,
where PostgreSQL answers "value too long" or "out of range" as a 500 (and SQLite silently
stores it). Integer ranges are the portable ones (what PostgreSQL enforces), whatever database
this process runs on, so the OpenAPI document is the same everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from pydantic import Field

# The widest integer column (BigIntegerField, BigAutoField): every id and every paging number fits.
DB_INT_MAX = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"][1]

DB_INT_MIN = BaseDatabaseOperations.integer_field_ranges["BigIntegerField"][0]

# A row id in a query, a path or a body: positive and within a 64-bit primary key.
RowId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
# Any integer a 64-bit column can be compared with (a filter that may match nothing, but never overflows).
DbInt = Annotated[int, Field(ge=DB_INT_MIN, le=DB_INT_MAX)]


def max_length(model: type[models.Model], field: str) -> int:
    """The ``max_length`` of ``model.field`` (a CharField or one of its kind)."""
    length = model._meta.get_field(field).max_length
    if length is None:
        raise ValueError(f"{model.__name__}.{field} has no max_length")
    return int(length)


def int_range(model: type[models.Model], field: str) -> tuple[int, int]:
    """The smallest and largest value the column of ``model.field`` holds."""
    found = model._meta.get_field(field)
    return BaseDatabaseOperations.integer_field_ranges[found.get_internal_type()]


def text_field(model: type[models.Model], field: str, default: Any = ..., **extra: Any) -> Any:
    """A pydantic/ninja ``Field`` for text stored in ``model.field``: at most its ``max_length``."""
    return Field(default, max_length=max_length(model, field), **extra)


def int_field(model: type[models.Model], field: str, default: Any = ..., *, ge: int | None = None,
              **extra: Any) -> Any:
    """A pydantic/ninja ``Field`` for an integer stored in ``model.field``: within its column's range
    (``ge`` narrows the lower bound, e.g. 1 for a count that must be positive)."""
    low, high = int_range(model, field)
    return Field(default, ge=low if ge is None else max(ge, low), le=high, **extra)


def int_bounds(model: type[models.Model], field: str, *, ge: int | None = None) -> Any:
    """The range of ``model.field`` as ``Annotated`` metadata, for an optional integer:
    ``Annotated[int, int_bounds(Case, "row_version")] | None = None``."""
    low, high = int_range(model, field)
    return Field(ge=low if ge is None else max(ge, low), le=high)
