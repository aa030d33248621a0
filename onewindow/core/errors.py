"""Errors every layer shares.

A ``DomainError`` carries an English ``code`` for machines, a Chinese ``message`` for people and,
where one input is at fault, the ``field``. Views and the API turn it into a 4xx answer
(``{"error": {"code", "message", "field"}}``); it never becomes a 500.
"""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """A rule said no. Status 400 unless a subclass says otherwise."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "您没有执行此操作的权限", *, code: str = "forbidden") -> None:
        super().__init__(code, message)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "未找到", *, code: str = "not_found", field: str | None = None) -> None:
        super().__init__(code, message, field=field)


class Conflict(DomainError):
    """Someone else changed the record first; reload and try again."""

    status = 409


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input, for forms and importers that report many at once."""

    field: str
    code: str
    message: str
