"""``field__any=[…]``: membership in a long list as one array parameter on PostgreSQL.

Django's ``__in`` binds one parameter per value. For the thousands of ids a sweep hands around,
the statement text, psycopg's client-side split of the query at every placeholder and the
server's parse all grow with the list; ``= ANY(%s::type[])`` carries it as one array value and
the planner still uses the index. Elsewhere (SQLite) the lookup is ``__in`` itself.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class _AsArray(In):
    lookup_name = "any"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():  # a subquery: nothing to gain, ``IN (SELECT …)`` as usual
            return self.as_sql(compiler, connection)
        values = [v for v in dict.fromkeys(self.rhs) if v is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        array = [field.get_db_prep_value(v, connection, prepared=True) for v in values]
        return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", (*lhs_params, array)


@Field.register_lookup
class AnyOf(_AsArray):
    """``field__any=values``: the same rows as ``field__in=values``."""


@ForeignObject.register_lookup
class RelatedAnyOf(_AsArray, RelatedIn):
    """``foreign_key__any=ids``: the same rows as ``foreign_key__in=ids``."""
