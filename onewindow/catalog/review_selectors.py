"""Reads of catalog governance: the streamlining report (精简报告) over a period from the catalog's
own history (:class:`~.models.CatalogChange`), its Excel export, and the drafts awaiting legal
review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from onewindow.core.spreadsheet import append_row
from onewindow.organization.models import Staff
from onewindow.organization.permissions import region_q

from .models import CatalogChange, LegalReview
from .rules import ITEM_TYPE_LABELS

KIND_LABELS: dict[str, str] = {k.value: str(k.label) for k in CatalogChange.Kind}
ITEM_TYPES: dict[str, str] = {str(k): v for k, v in ITEM_TYPE_LABELS.items()}


def changes_for(staff: Staff | None) -> QuerySet[CatalogChange]:
    """The changes of items in the regions (and departments) ``staff`` reaches."""
    return (CatalogChange.objects.filter(region_q(staff, field="item__region", department_field="item__department"))
            .select_related("item__region", "item__department", "merged_into__current_version", "delegated_to",
                            "recorded_by"))


def filter_changes(qs: QuerySet[CatalogChange], *, start: date | None = None, end: date | None = None,
                   kind: str = "", department: int | None = None, q: str = "") -> QuerySet[CatalogChange]:
    """Changes effective in [start, end], of one kind or department, or naming ``q``."""
    if start is not None:
        qs = qs.filter(effective_on__gte=start)
    if end is not None:
        qs = qs.filter(effective_on__lte=end)
    if kind in KIND_LABELS:
        qs = qs.filter(kind=kind)
    if department:
        qs = qs.filter(item__department_id=department)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(item__implementation_code__startswith=q)
    return qs.order_by("-effective_on", "-pk")


@dataclass
class StreamliningSummary:
    """Counts first: by kind, and by department and kind."""

    total: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KIND_LABELS, 0))
    by_department: list[tuple[str, dict[str, int]]] = field(default_factory=list)


def summarize(changes: list[CatalogChange]) -> StreamliningSummary:
    summary = StreamliningSummary(total=len(changes))
    departments: dict[str, dict[str, int]] = {}
    for change in changes:
        summary.by_kind[change.kind] += 1
        row = departments.setdefault(change.item.department.name, dict.fromkeys(KIND_LABELS, 0))
        row[change.kind] += 1
    summary.by_department = sorted(departments.items())
    return summary


def target_of(change: CatalogChange) -> str:
    """Where the item went: the item it was merged into, the region it was delegated to."""
    if change.merged_into is not None:
        version = change.merged_into.current_version
        return f"并入：{version.name if version else change.merged_into.implementation_code}"
    if change.delegated_to is not None:
        return f"下放至：{change.delegated_to.name}"
    return ""


HEADERS = ["生效日期", "变更类型", "实施编码", "事项名称", "事项类型", "实施主体", "区划", "去向", "依据文件", "设定依据", "说明"]


def export_workbook(changes: list[CatalogChange], *, start: date | None, end: date | None) -> bytes:
    """The report as an .xlsx: a summary sheet, then one row per change — every cell through the
    safe-cell writer (an item name is typed by people)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    summary = summarize(changes)
    period = f"{start.isoformat() if start else '—'} 至 {end.isoformat() if end else '—'}"
    append_row(sheet, ["事项精简报告", period])
    append_row(sheet, ["部门", *KIND_LABELS.values(), "合计"])
    for name, counts in summary.by_department:
        append_row(sheet, [name, *counts.values(), sum(counts.values())])
    append_row(sheet, ["合计", *summary.by_kind.values(), summary.total])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    detail = book.create_sheet("明细")
    for cell in append_row(detail, HEADERS):
        cell.font = Font(bold=True)
    for c in changes:
        append_row(detail, [c.effective_on, KIND_LABELS[c.kind], c.item.implementation_code, c.name,
                            ITEM_TYPES.get(c.item_type, c.item_type), c.item.department.name, c.item.region.name,
                            target_of(c), c.basis, c.legal_basis, c.note])
    detail.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def reviews_for(staff: Staff | None) -> QuerySet[LegalReview]:
    """Drafts (pending, approved-unpublished, rejected) of items ``staff`` reaches as a reviewer or
    an editor of the catalog."""
    scope = region_q(staff, field="version__item__region", department_field="version__item__department")
    return (LegalReview.objects.filter(scope, version__is_draft=True)
            .select_related("version__item__region", "version__item__department", "drafter", "reviewer")
            .order_by("-submitted_at"))

