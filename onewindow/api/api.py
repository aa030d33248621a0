"""The REST API v1 (DESIGN.md §5): one NinjaAPI; each app adds its router in ``<app>/api.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from onewindow.core.errors import DomainError

from .schemas import REFERENCED


class OneWindowAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also lists the schemas operations refer to by hand
    (:func:`onewindow.api.schemas.schema_ref`)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        document = super().get_openapi_schema(*args, **kwargs)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, model in sorted(REFERENCED.items()):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[name] = schema
        return document


api = OneWindowAPI(
    title="onewindow API",
    version="1.0.0",
    description="一窗通办 政务服务中心接口。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。",
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "field": field}},
                               status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    field = ".".join(loc) or None
    return _error(request, 422, "invalid_input", f"输入有误：{field or '请求'}（{first.get('msg', '')}）", field)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录或提供有效的访问令牌")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


def _register_routers() -> None:
    """Each app's router, added here so the OpenAPI document lists them in a stable order."""
    from importlib import import_module

    for module, prefix in [
        ("onewindow.catalog.api", "/items"),
        ("onewindow.organization.api", "/organization"),
        ("onewindow.workdays.api", "/calendar"),
        ("onewindow.documents.api", "/certificates"),
        ("onewindow.cases.api", "/cases"),
        ("onewindow.supervision.api", "/supervision"),
        ("onewindow.online.api", "/public"),
    ]:
        try:
            router = import_module(module).router
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(prefix, router)


_register_routers()
