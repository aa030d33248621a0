"""Key rotation of personal data at rest, while the site runs (``manage.py rotate_data_keys``).

Every encrypted column of every installed model is read in batches by primary key; a value under
another key than the current one (or still in plaintext) is decrypted and written back encrypted
with the current key. The write is a compare-and-set (``WHERE pk = … AND column = <what was
read>``): a row changed meanwhile by the site is left alone, since whatever the site wrote is
already under the current key. Reads never stop working, because every listed key decrypts.
Each batch is its own short transaction.

``reindex`` recomputes the blind indexes (after a change of ``ONEWINDOW_BLIND_INDEX_KEY``; exact
searches miss rows not yet reindexed, so run it in a quiet hour).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from . import crypto
from .personal_fields import blind_index_fields, encrypted_fields


@dataclass
class RotationReport:
    """What a run did, per model label: values re-encrypted, rows skipped because they changed
    meanwhile, values left under an old key (a dry run)."""

    rewritten: dict[str, int] = field(default_factory=dict)
    raced: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def models_with_encrypted_fields() -> list[type[models.Model]]:
    """Every installed concrete model holding an encrypted column."""
    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]


def _batches(model: type[models.Model], columns: list[str], size: int, using: str):
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    selected = ", ".join([pk, *(quote(c) for c in columns)])
    last = None
    while True:
        where = f"WHERE {pk} > %s " if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {selected} FROM {table} {where}ORDER BY {pk} LIMIT %s",
                           [*([last] if last is not None else []), size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rotate(*, batch_size: int = 500, dry_run: bool = False, using: str = DEFAULT_DB_ALIAS,
           progress: Callable[[str], None] | None = None) -> RotationReport:
    """Re-encrypt every value not under the current data key; see the module's docstring."""
    current = crypto.keyring().current
    report = RotationReport()
    connection = connections[using]
    quote = connection.ops.quote_name
    for model in models_with_encrypted_fields():
        label = model._meta.label
        fields = encrypted_fields(model)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        for rows in _batches(model, [f.column for f in fields], batch_size, using):
            with transaction.atomic(using=using), connection.cursor() as cursor:
                for pk_value, *stored in rows:
                    for f, value in zip(fields, stored, strict=True):
                        if not value or crypto.key_id(value) == current:
                            continue
                        if dry_run:
                            report.stale[label] = report.stale.get(label, 0) + 1
                            continue
                        plain = crypto.decrypt(value, context=f.context) if crypto.is_encrypted(value) else value
                        column = quote(f.column)
                        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",
                                       [crypto.encrypt(plain, context=f.context), pk_value, value])
                        counts = report.rewritten if cursor.rowcount == 1 else report.raced
                        counts[label] = counts.get(label, 0) + 1
        if progress:
            progress(f"{label}: {report.rewritten.get(label, 0)} re-encrypted, {report.raced.get(label, 0)} changed "
                     f"meanwhile, {report.stale.get(label, 0)} under an old key")
    return report


def reindex(*, batch_size: int = 500, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute every blind index with the current blind-index key; the number of rows changed."""
    changed = 0
    for model in (m for m in apps.get_models() if not m._meta.proxy and blind_index_fields(m)):
        indexes = blind_index_fields(model)
        sources = sorted({f.source for f in indexes})
        manager = model._base_manager.using(using)
        last = None
        while True:
            rows = manager.order_by("pk") if last is None else manager.order_by("pk").filter(pk__gt=last)
            chunk = list(rows.values_list("pk", *sources, *[f.name for f in indexes])[:batch_size])
            if not chunk:
                break
            with transaction.atomic(using=using):
                for pk_value, *values in chunk:
                    plain = dict(zip(sources, values[:len(sources)], strict=True))
                    old = dict(zip([f.name for f in indexes], values[len(sources):], strict=True))
                    new = {f.name: crypto.blind_index(f.kind, plain[f.source]) for f in indexes}
                    if new != old:
                        manager.filter(pk=pk_value).update(**new)
                        changed += 1
            last = chunk[-1][0]
    return changed
