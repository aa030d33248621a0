"""The REST API v1 (DESIGN.md §5): one NinjaAPI; each app adds its router in ``<app>/api.py``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from onewindow.core.errors import DomainError
from onewindow.core.headers import allow_inline_styles

from .schemas import REFERENCED, ErrorOut

# Answers every operation can give, whatever it declares: the edge refuses a NUL byte with 400
# (onewindow.core.edge) and a DomainError is 400 unless it says otherwise; an operation with
# parameters or a body answers 422 when they fail their schema; one behind authentication answers
# 401 without credentials and 403 to a login that may not use it.
_ALWAYS = {400: "Bad Request"}
_WITH_INPUT = {422: "Unprocessable Entity"}
_WITH_AUTH = {401: "Unauthorized", 403: "Forbidden"}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _document_errors(operation: dict[str, Any]) -> None:
    """Add the error answers of :data:`_ALWAYS`, :data:`_WITH_INPUT` and :data:`_WITH_AUTH` an
    operation can give to its ``responses``, unless it declares them itself."""
    statuses = dict(_ALWAYS)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.update(_WITH_INPUT)
    if operation.get("security"):
        statuses.update(_WITH_AUTH)
    responses = operation.setdefault("responses", {})
    for status, description in statuses.items():
        responses.setdefault(status, {"description": description,
                                      "content": {"application/json": {"schema": _ERROR_REF}}})


class OneWindowAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists every error an operation can answer and the schemas
    operations refer to by hand (:func:`onewindow.api.schemas.schema_ref`)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        document = super().get_openapi_schema(*args, **kwargs)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
        components.update(components["ErrorOut"].pop("$defs", {}))
        for name, model in sorted(REFERENCED.items()):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[name] = schema
        for path in document.get("paths", {}).values():
            for operation in path.values():
                _document_errors(operation)
        return document


api = OneWindowAPI(
    title="onewindow API",
    # Swagger UI from the static files of django-ninja (in INSTALLED_APPS), never from a CDN; its
    # rendered markup carries inline styles, so its page relaxes the policy's style-src only.
    docs_decorator=allow_inline_styles,
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


# pydantic's error types, said in Chinese; any other keeps pydantic's English text.
_PROBLEMS: dict[str, str] = {
    "missing": "必须填写",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "过短（至少 {min_length} 个字符）",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "less_than_equal": "不得大于 {le}",
    "greater_than_equal": "不得小于 {ge}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "extra_forbidden": "不是可接受的输入",
}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    field = ".".join(loc) or None
    template = _PROBLEMS.get(str(first.get("type", "")))
    try:
        problem = template.format(**first.get("ctx", {})) if template else str(first.get("msg", ""))
    except (KeyError, IndexError):
        problem = str(first.get("msg", ""))
    return _error(request, 422, "invalid_input", f"输入有误：{field or '请求'}{problem}", field)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, "rate_limited", "请求过于频繁，请稍后再试")
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


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
        ("onewindow.cases.bundle_api", "/bundles"),
        ("onewindow.supervision.api", "/supervision"),
        ("onewindow.online.api", "/public"),
        ("onewindow.feedback.ratings_api", "/ratings"),
        ("onewindow.feedback.api", "/feedback"),
        ("onewindow.feedback.rectifications_api", "/rectifications"),
        ("onewindow.openness.api", "/disclosure-requests"),
        ("onewindow.openness.api_powers", "/powers"),
        ("onewindow.openness.api_funds", "/public/funds"),
        ("onewindow.openness.api_publications", "/publications"),
        ("onewindow.fees.api", ""),
        ("onewindow.hall.api", "/queue"),
        ("onewindow.hall.appointment_api", "/appointments"),
        ("onewindow.worktasks.api", ""),
        ("onewindow.projects.api", ""),
        ("onewindow.assessment.api", ""),
    ]:
        try:
            router = import_module(module).router
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(prefix, router)


_register_routers()
