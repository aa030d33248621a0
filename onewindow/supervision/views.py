"""The supervision pages of the workbench, under /staff/supervision/.

Thin: read the filters, call a selector or a service, render (or export). Supervisors and center
administrators see the dashboard of their regions (403 for everyone else); the people a warning
or an order is about reach its page from their own record, to explain or reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.headers import allow_inline_styles
from onewindow.core.paging import ListPage, list_page
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, staff_of

from . import charts, exports, services
from . import indicators as ind
from . import rules as r
from . import selectors as sel

PAGE_SIZE = 50
LIST_PAGE_SIZE = 10  # the dashboard's red and yellow lists, a page each
DEFAULT_DAYS = 30
_BASE = "workbench:supervision"


def _forbidden(request: HttpRequest, reason: str = "", status: int = 403) -> HttpResponse:
    return render(request, "supervision/forbidden.html", {"reason": reason}, status=status)


def _staff_view(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in with a staff record; a DomainError that escapes becomes its 4xx page."""

    @login_required
    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff = staff_of(request.user)
        if staff is None:
            return _forbidden(request)
        try:
            return func(request, staff, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            return _forbidden(request, exc.message, status=exc.status)
        except DomainError as exc:
            return _forbidden(request, exc.message, status=400)

    return wrapper


def _supervisor_view(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for supervisors and center administrators."""

    @wraps(func)
    def wrapper(request: HttpRequest, staff: Staff, *args: Any, **kwargs: Any) -> HttpResponse:
        sel.require_supervise(staff)
        return func(request, staff, *args, **kwargs)

    return _staff_view(wrapper)


# -- filters -------------------------------------------------------------------------------------------


def _date(value: str | None, default: date | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise DomainError("invalid_input", f"日期格式应为 YYYY-MM-DD：{value}", field="date") from None


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Filters:
    region_code: str
    department_id: int | None
    since: date
    until: date
    level: str
    state: str
    rule: str

    def query(self, **extra: object) -> str:
        from urllib.parse import urlencode

        values = {"region": self.region_code, "department": self.department_id or "", "from": self.since,
                  "to": self.until, "level": self.level, "state": self.state, "rule": self.rule, **extra}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def warning_filter(self, **overrides: Any) -> sel.WarningFilter:
        values: dict[str, Any] = {"region_code": self.region_code or None, "department_id": self.department_id,
                                  "level": self.level or None, "state": self.state or None,
                                  "since": self.since, "until": self.until, "rule": self.rule or None}
        values.update(overrides)
        return sel.WarningFilter(**values)


def _filters(request: HttpRequest) -> Filters:
    today = local_date()
    until = _date(request.GET.get("to"), today) or today
    since = _date(request.GET.get("from"), until - timedelta(days=DEFAULT_DAYS - 1)) or until
    if since > until:
        raise DomainError("invalid_input", "开始日期不能晚于结束日期", field="from")
    region = request.GET.get("region", "").strip()
    if region and not (len(region) == 12 and region.isdigit()):
        raise DomainError("invalid_input", "区划代码须为12位数字", field="region")
    return Filters(region_code=region, department_id=_int(request.GET.get("department")), since=since, until=until,
                   level=request.GET.get("level", "").strip(), state=request.GET.get("state", "").strip(),
                   rule=request.GET.get("rule", "").strip())


def _lang() -> str:
    return "zh" if (get_language() or "zh").lower().startswith("zh") else "en"


def _choices(staff: Staff, f: Filters) -> dict[str, Any]:
    return {"regions": sel.supervised_regions(staff), "departments": sel.supervised_departments(staff, f.region_code),
            "rules": list(r.RULES.values()), "f": f}


def _xlsx(name: str, sheets: list[exports.Sheet]) -> HttpResponse:
    response = HttpResponse(exports.workbook(sheets), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# -- the dashboard -------------------------------------------------------------------------------------


def _trend_svg(buckets: list[sel.TrendBucket]) -> str:
    labels = [b.label for b in buckets]
    return charts.stacked_bars(
        _("Warnings fired"), _("Yellow and red warnings fired in each period of the selected range."), labels,
        [charts.Series(_("Yellow"), "#d4a017", [b.yellow for b in buckets]),
         charts.Series(_("Red"), "#b22222", [b.red for b in buckets])])


def _trend_line(buckets: list[sel.TrendBucket]) -> str:
    return charts.lines(_("Warnings, total"), _("All warnings fired in each period of the selected range."),
                        [b.label for b in buckets],
                        [charts.Series(_("Total"), "#1f5f99", [b.yellow + b.red for b in buckets])])


def _dashboard_tables(staff: Staff, f: Filters) -> dict[str, Any]:
    scope = sel.warnings_for(staff, f.warning_filter(level=None, state=None, since=None, until=None, rule=None))
    live = f.warning_filter(state="live", since=None, until=None, rule=None)
    red = sel.warnings_for(staff, replace(live, level=r.Level.RED))
    yellow = sel.warnings_for(staff, replace(live, level=r.Level.YELLOW))
    return {
        "counts": sel.live_counts(scope),
        "red": red, "yellow": yellow,
        "trend": sel.trend(scope, f.since, f.until),
    }


def _list_pages(request: HttpRequest, f: Filters, tables: dict[str, Any]) -> dict[str, ListPage]:
    # The live counts by department already counted both lists (the same scope, live, by colour).
    totals = {"red": sum(c.red for c in tables["counts"]), "yellow": sum(c.yellow for c in tables["counts"])}
    pages = {}
    for key in ("red", "yellow"):
        paginator = Paginator(tables[key], LIST_PAGE_SIZE)
        paginator.count = totals[key]  # Django's cached property, known here: no COUNT query
        pages[key] = paginator.get_page(request.GET.get(f"{key}_page"))
    numbers = {f"{key}_page": page.number for key, page in pages.items()}

    def url(key: str, number: int) -> str:
        return f"?{f.query(**{**numbers, f'{key}_page': number})}#{key}-title"

    return {key: list_page(page, lambda number, key=key: url(key, number)) for key, page in pages.items()}


def _warning_rows(warnings: ListPage, lang: str) -> list[sel.WarningRow]:
    # The page's count is known already (the live counts); on a quiet day it is nought, and the
    # page's own read (six tables joined, every column of the case) would only find nothing.
    return sel.with_explanations(warnings.page, lang=lang) if warnings.page.paginator.count else []


@require_GET
@allow_inline_styles  # pygal's SVG charts carry their styles inline
@_supervisor_view
def dashboard(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The figures first, then live counts by colour per department, the red and yellow lists (paged)
    with their deadline explanations, the trend, open orders and the period's indicators."""
    f = _filters(request)
    tables = _dashboard_tables(staff, f)
    lists = _list_pages(request, f, tables)
    open_orders = sel.orders_for(staff, region_code=f.region_code or None, department_id=f.department_id,
                                 state="open")
    lang = _lang()
    choices = _choices(staff, f)
    unit = None
    indicator_set = None
    if f.department_id or f.region_code:
        kind, unit_id = ("department", f.department_id) if f.department_id else ("region", f.region_code)
        unit, indicator_set = sel.indicators_for(staff, kind, unit_id, f.since, f.until)
    else:
        regions = choices["regions"]
        if regions:
            unit, indicator_set = sel.indicators_of_region(regions[0], f.since, f.until)
    # The count first, as for the warnings: with none open, the list's joins are never compiled.
    orders_total = open_orders.count()
    orders = list(open_orders[:20]) if orders_total else []
    return render(request, "supervision/dashboard.html", {
        **choices,
        "counts": tables["counts"],
        "red_rows": _warning_rows(lists["red"], lang), "red_list": lists["red"],
        "red_total": lists["red"].page.paginator.count,
        "yellow_rows": _warning_rows(lists["yellow"], lang), "yellow_list": lists["yellow"],
        "yellow_total": lists["yellow"].page.paginator.count,
        "severe_total": sum(c.severe for c in tables["counts"]),
        "departments_warned": sum(1 for c in tables["counts"] if c.department_id and c.total),
        "orders_total": orders_total,
        "trend": tables["trend"],
        "trend_svg": mark_safe(_trend_svg(tables["trend"])),  # built by charts.py, every text escaped
        "trend_line_svg": mark_safe(_trend_line(tables["trend"])),
        "orders": orders,
        "unit": unit, "indicator_set": indicator_set,
        "can_order": sel.can_issue_orders(staff),
    })


def _warning_sheet(title: str, rows: list[sel.WarningRow] | list[Any]) -> exports.Sheet:
    def line(item: Any) -> list[object]:
        w = item.warning if isinstance(item, sel.WarningRow) else item
        explanation = "；".join(item.explanation) if isinstance(item, sel.WarningRow) else ""
        return [w.fired_at, r.LEVEL_LABELS[r.Level(w.level)] + ("（严重）" if w.severe else ""), r.RULES[w.rule].name,
                w.region.name, w.department.name if w.department else "", w.case.number if w.case else "",
                w.message, w.due_on, r.STATE_LABELS[r.State(w.state)], w.acknowledgement, w.resolution,
                w.basis, explanation]
    return exports.Sheet(title, ["预警时间", "级别", "规则", "区划", "部门", "办件编号", "预警内容", "所涉期限", "状态",
                                 "情况说明", "解除原因", "依据", "期限说明"], [line(x) for x in rows])


@require_GET
@_supervisor_view
def dashboard_export(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Every table of the dashboard as one workbook (or one table: ``?table=counts|red|yellow|trend``)."""
    f = _filters(request)
    tables = _dashboard_tables(staff, f)
    wanted = request.GET.get("table", "")
    lang = _lang()
    note = f"区划 {f.region_code or '全部'}；统计期 {f.since} 至 {f.until}"
    sheets = {
        "counts": lambda: exports.Sheet("各部门预警", ["部门", "区划", "黄牌", "红牌", "其中严重"],
                                        [[c.name, c.region, c.yellow, c.red, c.severe] for c in tables["counts"]],
                                        note),
        "red": lambda: _warning_sheet("红牌", sel.with_explanations(tables["red"], lang=lang)),
        "yellow": lambda: _warning_sheet("黄牌", sel.with_explanations(tables["yellow"], lang=lang)),
        "trend": lambda: exports.Sheet("趋势", ["时段", "黄牌", "红牌"],
                                       [[b.label, b.yellow, b.red] for b in tables["trend"]], note),
    }
    if wanted and wanted not in sheets:
        raise DomainError("invalid_input", "未知的表格", field="table")
    chosen = [sheets[wanted]()] if wanted else [build() for build in sheets.values()]
    return _xlsx(f"supervision-{wanted or 'dashboard'}-{f.until}", chosen)


# -- warnings -----------------------------------------------------------------------------------------


@require_GET
@_supervisor_view
def warning_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    f = _filters(request)
    found = sel.warnings_for(staff, f.warning_filter())
    if request.GET.get("format") == "xlsx":
        return _xlsx(f"warnings-{f.until}", [_warning_sheet("预警", list(found[:10000]))])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/warnings.html", {
        **_choices(staff, f), "page": page, "rows": sel.with_explanations(page, lang=_lang()),
        "states": [(s.value, r.STATE_LABELS[s]) for s in r.State], "query": f.query(),
    })


@require_GET
@_staff_view
def warning_detail(request: HttpRequest, staff: Staff, warning_id: int) -> HttpResponse:
    warning = sel.warning_for(staff, warning_id)
    supervisor = can(staff, Action.SUPERVISION_ORDER, region=warning.region)
    [row] = sel.with_explanations([warning], lang=_lang())
    return render(request, "supervision/warning.html", {
        "w": warning, "row": row, "rule": r.RULES[warning.rule],
        "may_acknowledge": warning.is_live and sel.is_responsible(staff, warning),
        "may_close": warning.is_live and supervisor, "may_order": supervisor,
        "departments": sel.supervised_departments(staff) if supervisor else [],
    })


def _back(request: HttpRequest, default: str) -> HttpResponse:
    wanted = request.POST.get("next", "")
    return redirect(wanted if wanted.startswith("/staff/supervision/") else default)


def _post(request: HttpRequest, action: Callable[[], object], success: str, back: str) -> HttpResponse:
    try:
        action()
    except (PermissionDenied, NotFound) as exc:
        return _forbidden(request, exc.message, status=exc.status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(request, back)


@require_POST
@_staff_view
def warning_acknowledge(request: HttpRequest, staff: Staff, warning_id: int) -> HttpResponse:
    # A warning the caller may not see is "not found" (404), as on its page: a 403 here would tell
    # that another county's warning of that number exists.
    sel.warning_for(staff, warning_id)
    back = reverse(f"{_BASE}:warning", args=[warning_id])
    return _post(request, lambda: services.warning_acknowledge(warning_id=warning_id, note=request.POST.get("note", ""),
                                                               actor=staff),
                 _("Your explanation was recorded."), back)


@require_POST
@_staff_view
def warning_close_out(request: HttpRequest, staff: Staff, warning_id: int) -> HttpResponse:
    sel.warning_for(staff, warning_id)  # 404 when not visible (see warning_acknowledge)
    back = reverse(f"{_BASE}:warning", args=[warning_id])
    return _post(request, lambda: services.warning_close_out(warning_id=warning_id, note=request.POST.get("note", ""),
                                                             actor=staff),
                 _("The warning was closed out."), back)


# -- orders -------------------------------------------------------------------------------------------


def _order_sheet(orders: list[Any]) -> exports.Sheet:
    return exports.Sheet("督办单", ["编号", "区划", "承办部门", "督办事项", "督办要求", "下达人", "下达时间", "回复期限", "状态",
                                    "情况说明", "整改措施", "首次回复时间", "按期回复", "退回次数", "销号意见"],
                         [[o.number, o.region.name, o.department.name, o.subject, o.requirement, o.issued_by.name,
                           o.issued_at, o.reply_due, r.ORDER_STATE_LABELS[r.OrderState(o.state)], o.explanation,
                           o.measures, o.first_replied_at,
                           "" if o.replied_on_time is None else ("是" if o.replied_on_time else "否"), o.returned_times,
                           o.close_note] for o in orders])


@require_GET
@_staff_view
def order_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Orders of the viewer's reach (supervisors: their regions; chiefs: their departments)."""
    if not (sel.can_supervise(staff) or sel.answers_orders(staff)):
        return _forbidden(request)
    f = _filters(request)
    since = _date(request.GET.get("from"), None)
    until = _date(request.GET.get("to"), None)
    found = sel.orders_for(staff, region_code=f.region_code or None, department_id=f.department_id,
                           state=f.state or None, since=since, until=until)
    if request.GET.get("format") == "xlsx":
        return _xlsx("supervision-orders", [_order_sheet(list(found.select_related(*sel.ORDER_ROW_RELATED)[:10000]))])
    supervisor = sel.can_supervise(staff)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/orders.html", {
        "f": f, "page": page, "query": f.query(),
        "states": [(s.value, r.ORDER_STATE_LABELS[s]) for s in r.OrderState],
        "regions": sel.supervised_regions(staff) if supervisor else [],
        "departments": sel.supervised_departments(staff, f.region_code) if supervisor else [],
        "can_order": sel.can_issue_orders(staff),
        "default_workdays": r.DEFAULT_ORDER_REPLY_WORKDAYS,
    })


@require_POST
@_staff_view
def order_issue(request: HttpRequest, staff: Staff) -> HttpResponse:
    created: list[Any] = []

    def run() -> None:
        created.append(services.order_issue(
            department_id=_int(request.POST.get("department")) or 0, subject=request.POST.get("subject", ""),
            requirement=request.POST.get("requirement", ""), basis=request.POST.get("basis", ""),
            reply_workdays=_int(request.POST.get("reply_workdays")), warning_id=_int(request.POST.get("warning")),
            actor=staff))

    response = _post(request, run, _("The supervision order was issued."), reverse(f"{_BASE}:orders"))
    if created and not request.POST.get("next"):
        return redirect(reverse(f"{_BASE}:order", args=[created[0].id]))
    return response


@require_GET
@_staff_view
def order_detail(request: HttpRequest, staff: Staff, order_id: int) -> HttpResponse:
    order = sel.order_for(staff, order_id)
    return render(request, "supervision/order.html", {"o": order, "may": sel.order_abilities(staff, order),
                                                      "state_label": r.ORDER_STATE_LABELS[r.OrderState(order.state)]})


@require_POST
@_staff_view
def order_act(request: HttpRequest, staff: Staff, order_id: int, action: str) -> HttpResponse:
    sel.order_for(staff, order_id)  # 404 when not visible, as on its page (see warning_acknowledge)
    back = reverse(f"{_BASE}:order", args=[order_id])
    note = request.POST.get("note", "")
    steps: dict[str, tuple[Callable[[], object], str]] = {
        "reply": (lambda: services.order_reply(order_id=order_id, explanation=request.POST.get("explanation", ""),
                                               measures=request.POST.get("measures", ""), actor=staff),
                  _("Your reply was sent.")),
        "return": (lambda: services.order_return(order_id=order_id, note=note, actor=staff),
                   _("The order was sent back to the department.")),
        "close": (lambda: services.order_close(order_id=order_id, note=note, actor=staff),
                  _("The order was closed out.")),
    }
    if action not in steps:
        return _forbidden(request, _("Unknown action."), status=404)
    step, success = steps[action]
    return _post(request, step, success, back)


# -- efficiency warnings ---------------------------------------------------------------------------------


@require_GET
@_supervisor_view
def efficiency_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    f = _filters(request)
    found = sel.efficiency_warnings_for(staff, region_code=f.region_code or None, department_id=f.department_id,
                                        since=_date(request.GET.get("from"), None), until=_date(request.GET.get("to"), None))
    if request.GET.get("format") == "xlsx":
        return _xlsx("efficiency-warnings", [exports.Sheet(
            "效能告诫", ["编号", "区划", "被告诫人", "部门", "告诫事由", "告诫依据", "告诫人", "告诫时间", "办件编号"],
            [[e.number, e.region.name, e.staff.name if e.staff else "", e.department.name if e.department else "",
              e.reason, e.basis, e.issued_by.name, e.issued_at, e.case.number if e.case else ""] for e in found[:10000]])])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/efficiency.html", {
        **_choices(staff, f), "page": page, "query": f.query(), "can_order": sel.can_issue_orders(staff),
        "staff_members": sel.supervised_staff(staff),
    })


@require_POST
@_staff_view
def efficiency_issue(request: HttpRequest, staff: Staff) -> HttpResponse:
    return _post(request, lambda: services.efficiency_warning_issue(
        reason=request.POST.get("reason", ""), basis=request.POST.get("basis", ""),
        staff_id=_int(request.POST.get("staff")), department_id=_int(request.POST.get("department")),
        warning_id=_int(request.POST.get("warning")), actor=staff),
        _("The efficiency warning was issued."), reverse(f"{_BASE}:efficiency"))


# -- indicators ------------------------------------------------------------------------------------------


def _indicator_sheet(title: str, s: ind.IndicatorSet, note: str) -> exports.Sheet:
    return exports.Sheet(title, ["指标", "数值", "分子", "分母", "定义"],
                         [[i.name, i.display, i.numerator, i.denominator, i.definition] for i in s.indicators], note)


@require_GET
@_supervisor_view
def indicator_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    """One unit's indicators with their definitions, and the departments of a region ranked."""
    f = _filters(request)
    kind = request.GET.get("unit", "department" if f.department_id else "region")
    regions = sel.supervised_regions(staff)
    unit_id = request.GET.get("id") or (f.department_id if kind == "department" else None) \
        or f.region_code or (regions[0].code if regions else "")
    unit, s = sel.indicators_for(staff, kind, unit_id, f.since, f.until)
    indicator = request.GET.get("indicator", "on_time_rate")
    ranking_region = unit.region
    ranking, _sets = sel.department_ranking(staff, ranking_region, f.since, f.until, indicator)
    note = f"{unit.label}；统计期 {f.since} 至 {f.until}"
    if request.GET.get("format") == "xlsx":
        return _xlsx(f"indicators-{f.until}", [
            _indicator_sheet("指标", s, note),
            exports.Sheet("排名", ["名次", "部门", "数值", "办结件数"],
                          [[u.rank, u.label, u.display, u.cases] for u in ranking.ranked]
                          + [["未排名", u.label, u.display, u.cases] for u in ranking.unranked],
                          f"{ranking.name}：{ranking.definition}（办结件数不少于 {ranking.min_cases} 件的部门参与排名）"),
        ])
    return render(request, "supervision/indicators.html", {
        **_choices(staff, f), "unit": unit, "kind": kind, "unit_id": unit_id, "set": s, "ranking": ranking,
        "indicator": indicator, "indicator_choices": [(c, d[0]) for c, d in ind.DEFINITIONS.items()],
        "units": sel.UNITS, "windows": sel.supervised_windows(staff), "staff_members": sel.supervised_staff(staff),
        "query": f.query(unit=kind, id=unit_id, indicator=indicator),
    })


# -- one's own record --------------------------------------------------------------------------------------


@require_GET
@_staff_view
def my_record(request: HttpRequest, staff: Staff) -> HttpResponse:
    """What supervision holds about me: efficiency warnings, live warnings, my departments' orders."""
    return render(request, "supervision/record.html", {"record": sel.record_of(staff), "me": staff})


# -- a center's settings -----------------------------------------------------------------------------------


def _posted_settings(request: HttpRequest) -> dict[str, Any]:
    return {"enabled_rules": request.POST.getlist("rules"), "yellow_share": request.POST.get("yellow_share", ""),
            "min_cases_for_ranking": request.POST.get("min_cases_for_ranking", ""),
            "order_reply_workdays": request.POST.get("order_reply_workdays", "")}


@_staff_view
def settings_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    """A center administrator sets the rules, the yellow share, the ranking minimum and the reply
    period of the center (or lets it follow its parent center again)."""
    code = request.POST.get("region") if request.method == "POST" else request.GET.get("region")
    page = sel.settings_page(staff, code)
    error = None
    posted: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                services.settings_reset(actor=staff, region_code=page.region.code)
                messages.success(request, _("The center follows its parent center's settings again."))
            else:
                posted = _posted_settings(request)
                services.settings_save(actor=staff, region_code=page.region.code, **posted)
                messages.success(request, _("The settings were saved. Open cases are re-timed with them in the background."))
        except (PermissionDenied, NotFound):
            raise  # the forbidden page
        except DomainError as exc:
            error = exc
        else:
            return redirect(f"{reverse(f'{_BASE}:settings')}?region={page.region.code}")
    config = page.config
    values = posted or {"enabled_rules": sorted(config.enabled), "yellow_share": f"{float(config.yellow_share):.2f}",
                        "min_cases_for_ranking": config.min_cases_for_ranking,
                        "order_reply_workdays": config.order_reply_workdays}
    return render(request, "supervision/settings.html", {
        "page": page, "values": values, "error": error,
        "rules": [(code, rule) for code, rule in r.RULES.items()],
    }, status=400 if error else 200)
