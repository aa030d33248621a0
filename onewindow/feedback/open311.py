"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), mapped onto work orders, in JSON.

- ``GET services.json``: the order kinds (complaint, inquiry, suggestion, praise, petition);
- ``GET services/{code}.json``: a service's definition (no extra attributes);
- ``POST requests.json``: file a request with an ``api_key`` (an API token of a staff account: the
  request is taken in as that account, in its region or the ``jurisdiction_id`` region code);
- ``GET requests.json`` and ``GET requests/{id}.json``: requests and their status (open/closed).

Errors answer GeoReport's shape, ``[{"code": <status>, "description": "…"}]``, with that status.
No personal data leaves here: a request shows its description, never the caller's name or phone.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.accounts.services import api_token_use
from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Region
from onewindow.organization.permissions import staff_of

from . import rules as r
from . import services as svc
from .models import WorkOrder

_DESCRIPTIONS = {
    r.OrderKind.COMPLAINT: "对政务服务的投诉（窗口、人员、办件）",
    r.OrderKind.INQUIRY: "政务服务事项咨询",
    r.OrderKind.SUGGESTION: "对政务服务的意见建议",
    r.OrderKind.PRAISE: "对窗口和工作人员的表扬",
    r.OrderKind.PETITION: "信访（来信、领导信箱、监督举报）",
}
MAX_RESULTS = 1000


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False)


def _service(kind: r.OrderKind) -> dict[str, Any]:
    return {"service_code": kind.value, "service_name": r.ORDER_KIND_LABELS[kind],
            "description": _DESCRIPTIONS[kind], "metadata": False, "type": "batch", "keywords": "",
            "group": "政务服务"}


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    return JsonResponse([_service(k) for k in r.OrderKind], safe=False)


@require_GET
def service(request: HttpRequest, code: str) -> JsonResponse:
    try:
        kind = r.OrderKind(code)
    except ValueError:
        return _error(404, f"service_code {code} not found / 没有该服务")
    return JsonResponse({"service_code": kind.value, "attributes": []})


def _status(order: WorkOrder) -> str:
    return "open" if order.state in (r.OrderState.RECEIVED, r.OrderState.DISPATCHED, r.OrderState.HANDLING) \
        else "closed"


def _request(order: WorkOrder) -> dict[str, Any]:
    updated = order.closed_at or order.answered_at or order.received_at
    return {
        "service_request_id": order.number, "status": _status(order),
        "status_notes": order.answer or order.close_reason or order.state_label,
        "service_name": r.ORDER_KIND_LABELS[r.OrderKind(order.kind)], "service_code": order.kind,
        "description": order.content, "agency_responsible": order.department.name if order.department_id else "",
        "service_notice": f"请于 {order.answer_due.isoformat()} 前答复",
        "requested_datetime": order.received_at.astimezone(SHANGHAI).isoformat(),
        "updated_datetime": updated.astimezone(SHANGHAI).isoformat(),
        "expected_datetime": datetime.combine(order.answer_due, time(23, 59, 59), tzinfo=SHANGHAI).isoformat(),
        "address": order.address, "address_id": "", "zipcode": "",
        "lat": float(order.latitude) if order.latitude is not None else None,
        "long": float(order.longitude) if order.longitude is not None else None, "media_url": "",
    }


def _coordinate(text: str | None, low: int, high: int) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError("open311.coordinate_invalid", "坐标无效", field="lat") from None
    if not low <= value <= high:
        raise DomainError("open311.coordinate_invalid", "坐标超出范围", field="lat")
    return value.quantize(Decimal("0.000001"))


def _create(request: HttpRequest) -> JsonResponse:
    data = request.POST
    user = api_token_use(token=(data.get("api_key") or "").strip()) if data.get("api_key") else None
    staff = staff_of(user) if user is not None else None
    if staff is None:
        return _error(403, "api_key missing or invalid / API 密钥无效")
    try:
        kind = r.OrderKind(data.get("service_code", ""))
    except ValueError:
        return _error(404, "service_code not found / 没有该服务")
    lat, lon = data.get("lat"), data.get("long")
    if not (lat and lon) and not data.get("address_string") and not data.get("address_id"):
        return _error(400, "lat/long or address_string required / 请提供位置或地址")
    region = staff.region
    if data.get("jurisdiction_id"):
        region = Region.objects.filter(code=data["jurisdiction_id"]).first()
        if region is None:
            return _error(404, "jurisdiction_id not found / 区划不存在")
    name = f"{data.get('last_name', '')}{data.get('first_name', '')}".strip()
    try:
        order = svc.order_receive(
            region=region, kind=kind, content=data.get("description", ""), source=r.Source.OPEN311,
            handling=r.Handling.WRITTEN, caller_name=name, caller_phone=data.get("phone", ""),
            address=data.get("address_string", ""), latitude=_coordinate(lat, -90, 90),
            longitude=_coordinate(lon, -180, 180), actor=staff)
    except DomainError as exc:
        return _error(exc.status, f"{exc.code}: {exc.message}")
    return JsonResponse([{"service_request_id": order.number, "service_notice": f"请于 {order.answer_due} 前答复",
                          "account_id": None}], safe=False, status=201)


@csrf_exempt  # GeoReport clients authenticate with the api_key, not a browser session
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _create(request)
    qs = WorkOrder.objects.select_related("department").order_by("-received_at")
    if request.GET.get("service_request_id"):
        qs = qs.filter(number__in=[n.strip() for n in request.GET["service_request_id"].split(",")][:MAX_RESULTS])
    if request.GET.get("service_code"):
        qs = qs.filter(kind__in=request.GET["service_code"].split(","))
    status = request.GET.get("status")
    if status == "open":
        qs = qs.filter(state__in=list(r.ORDER_AWAITING_ANSWER))
    elif status == "closed":
        qs = qs.exclude(state__in=list(r.ORDER_AWAITING_ANSWER))
    elif status:
        return _error(400, "status must be open or closed / 状态应为 open 或 closed")
    for param, lookup in (("start_date", "received_at__gte"), ("end_date", "received_at__lte")):
        if request.GET.get(param):
            moment = parse_datetime(request.GET[param].replace(" ", "+"))
            if moment is None or moment.tzinfo is None:
                return _error(400, f"{param} must be W3C date-time with zone / 时间格式应为带时区的 ISO 8601")
            qs = qs.filter(**{lookup: moment})
    return JsonResponse([_request(o) for o in qs[:MAX_RESULTS]], safe=False)


@require_GET
def request_detail(request: HttpRequest, request_id: str) -> JsonResponse:
    order = WorkOrder.objects.select_related("department").filter(number=request_id).first()
    if order is None:
        return _error(404, f"service_request_id {request_id} not found / 没有该诉求")
    return JsonResponse([_request(order)], safe=False)
