"""Schemas every router shares: the error shape of DESIGN.md §5."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema

# A 12-digit administrative division code (GB/T 2260 and its township extension), as a query
# parameter: anything else is a 422 naming the parameter, never an error deep in a selector.
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{12}$", description="12位区划代码（含下级区划）")]

# Schemas an operation validates itself (its body's shape depends on a path parameter, as for the
# case actions) and documents by reference from its ``openapi_extra``: the API adds them to the
# OpenAPI document's components.
REFERENCED: dict[str, type[Schema]] = {}


def schema_ref(model: type[Schema]) -> dict[str, Any]:
    """``{"$ref": …}`` to ``model`` in the OpenAPI components, which will then list it."""
    REFERENCED[model.__name__] = model
    return {"$ref": f"#/components/schemas/{model.__name__}"}


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    """``{"error": {"code", "message", "field"}}``: an English code, a Chinese message, the field at fault."""

    error: ErrorBody
