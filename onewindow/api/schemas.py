"""Schemas every router shares: the error shape of DESIGN.md §5."""

from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    """``{"error": {"code", "message", "field"}}``: an English code, a Chinese message, the field at fault."""

    error: ErrorBody
