"""Model fields for personal data at rest: :class:`EncryptedCharField` and :class:`BlindIndexField`.

New personal-data columns (an ID number, a phone, an address) use them::

    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    phone_bidx = BlindIndexField(source="phone", kind="phone")   # only if searched by exact value

    Model.objects.filter(phone_bidx=blind_index("phone", typed))

The attribute holds the plain string (code reading ``case.applicant_phone`` is unchanged); the
column holds ``ow1:<kid>:…`` (AES-GCM, see :mod:`onewindow.core.crypto`). ``max_length`` is the
plaintext's limit (forms, API schemas, validation); the column itself is ``text``. Lookups on the
encrypted column other than ``isnull`` are refused (a random nonce makes equal values differ):
search through the blind index, which :meth:`BlindIndexField.pre_save` recomputes on every save
(``QuerySet.update()`` bypasses it: set both columns there).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import crypto


class EncryptedCharField(models.CharField):
    """A short personal value stored AES-GCM-encrypted; the Python value is the plain string.

    An empty value is stored empty (blank is not secret). A stored value not in the ``ow1:`` form
    (a row written before the migration that encrypted the column) reads as it is.
    """

    description = "A string stored encrypted (AES-GCM)"

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    @property
    def context(self) -> str:
        """What the ciphertext is bound to: ``app_label.Model.field``."""
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or not crypto.is_encrypted(value):
            return value
        return crypto.decrypt(value, context=self.context)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "" or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(f"{self.name} is encrypted: search it through its blind index, not __{lookup_name}")
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedCharField):
    """A small JSON document of personal data (a form's fields) stored encrypted as one text value.

    The Python value is the decoded JSON (a dict by default); the column holds the encrypted JSON
    text, so key rotation (:mod:`onewindow.core.rotation`) treats it like any encrypted column. No
    lookups into it: nothing searches a form's fields. A stored plaintext JSON text (a row written
    before its column was encrypted) reads as it is.
    """

    description = "A JSON document stored encrypted (AES-GCM)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("max_length", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list, dict]:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            kwargs.pop("default")
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else self.get_default()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else self.get_default()
        return value

    def get_prep_value(self, value: Any) -> Any:
        # JSON text (the parent's CharField would make ``str(dict)``); a ciphertext passes as it is.
        if isinstance(value, str) and crypto.is_encrypted(value):
            return value
        return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super(models.CharField, self).formfield(**{"form_class": forms.JSONField, **kwargs})


class BlindIndexField(models.CharField):
    """The keyed HMAC of another field's normalised value, for exact-match search (``""`` if empty).

    ``kind`` names the normalisation (``id_number``: spaces out, upper case; ``phone``: spaces,
    dashes and +86 out). Computed on every save from ``source``; never edited by hand.
    """

    def __init__(self, *args: Any, source: str = "", kind: str = "text", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list, dict]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("blank", True), ("editable", False), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = crypto.blind_index(self.kind, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    """The encrypted columns of ``model`` (for key rotation and checks)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def blind_index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    """The blind indexes of ``model``."""
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypt_in_place(app_label: str, model_name: str, *, batch: int = 500) -> tuple[Any, Any]:
    """``RunPython`` functions (forward, backward) for a migration that turns a plaintext column
    into an :class:`EncryptedCharField`: forward encrypts every row's values and fills the blind
    indexes, in batches by primary key; backward writes the plaintext back.

    Run after the ``AlterField``/``AddField`` operations and before a blind index becomes unique.
    A value already encrypted is read and encrypted again (the function can run twice).
    """

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        fields = [f.name for f in encrypted_fields(model)]
        indexes = blind_index_fields(model)
        manager = model._base_manager.using(schema_editor.connection.alias)
        last = None
        while True:
            rows = manager.order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            chunk = list(rows.values_list("pk", *fields)[:batch])
            if not chunk:
                return
            for pk, *values in chunk:
                plain = dict(zip(fields, values, strict=True))
                changes = {name: value for name, value in plain.items() if value}
                changes |= {f.name: crypto.blind_index(f.kind, plain.get(f.source)) for f in indexes}
                if changes:
                    manager.filter(pk=pk).update(**changes)
            last = chunk[-1][0]

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        fields = encrypted_fields(model)
        table = schema_editor.connection.ops.quote_name(model._meta.db_table)
        pk_column = schema_editor.connection.ops.quote_name(model._meta.pk.column)
        manager = model._base_manager.using(schema_editor.connection.alias)
        with schema_editor.connection.cursor() as cursor:
            for pk, *values in manager.values_list("pk", *[f.name for f in fields]).iterator():
                for field, value in zip(fields, values, strict=True):
                    if value:
                        column = schema_editor.connection.ops.quote_name(field.column)
                        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s",
                                       [field.get_prep_value(value), pk])

    return forward, backward
