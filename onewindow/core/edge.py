"""Input refused at the edge, before any view, session or login lookup sees it.

A NUL character (U+0000) has no place in any text this system stores, and PostgreSQL refuses it
in text and JSON columns with a ``DataError`` — a 500 on every endpoint that queries or stores
what it was given (the public progress lookup, search, certificate verification, action notes).
:class:`RefuseNulBytes` therefore answers 400 to a request that carries one anywhere a value
arrives: the path, the query string, a header or cookie, a form field or file name, or a JSON
body (as ``\\u0000`` or a raw byte). API paths answer in the API's error shape
(``{"error": {"code", "message", "field"}}``), pages with a plain HTML page. File contents are not
inspected: binary files hold NUL bytes legitimately.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

NUL = "\x00"
CODE = "nul_byte"
MESSAGE = "输入中含有不允许的空字符（NUL）"
API_PREFIX = "/api/"


def _first_in_pairs(pairs: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    """The name of the first (name, values) pair with a NUL in the name or a value."""
    for name, values in pairs:
        if NUL in name:
            return name.replace(NUL, "") or "body"
        if any(NUL in v for v in values):
            return name
    return None


def nul_in_json(value: Any, where: str = "") -> str | None:
    """The dotted path (``applicant.name``, ``materials[0]``) of the first NUL in a JSON value."""
    if isinstance(value, str):
        return where or "body" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if NUL in str(key):
                return where or "body"
            found = nul_in_json(item, path)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_in_json(item, f"{where}[{index}]")
            if found:
                return found
    return None


def _headers(request: HttpRequest) -> Iterator[tuple[str, list[str]]]:
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield key[5:].lower().replace("_", "-"), [value]


def _json_body(request: HttpRequest) -> str | None:
    body = request.body
    if b"\x00" not in body and b"\\u0000" not in body:
        return None  # the common case: nothing that could decode to NUL
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "body" if b"\x00" in body else None  # invalid JSON is the view's to answer
    return nul_in_json(data)


def nul_field(request: HttpRequest) -> str | None:
    """Where the request carries a NUL character (a field name, ``path`` or ``body``), or None."""
    if NUL in request.path or NUL in request.META.get("QUERY_STRING", ""):
        return "path" if NUL in request.path else "query"
    found = _first_in_pairs(request.GET.lists()) or _first_in_pairs(_headers(request)) \
        or _first_in_pairs((name, [value]) for name, value in request.COOKIES.items())
    if found:
        return found
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_body(request)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _first_in_pairs(request.POST.lists()) or _first_in_pairs(
            (name, [f.name or "" for f in files]) for name, files in request.FILES.lists())
    return None


def bad_request(request: HttpRequest, *, code: str, message: str, field: str | None) -> HttpResponse:
    """A 400 in the API's error shape on API paths, a plain HTML page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(render_to_string("core/bad_request.html", {"message": message}))


class RefuseNulBytes:
    """Middleware: 400 ``nul_byte`` for a request with a NUL character in any value (module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field(request)
        if field is not None:
            return bad_request(request, code=CODE, message=MESSAGE, field=field)
        return self.get_response(request)
