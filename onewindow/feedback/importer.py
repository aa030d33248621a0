"""Import of 12345 hotline work orders (CSV or Excel in the provincial hotline's columns), dispatched
to the assigned unit on arrival.

Every row is checked first; a row with a problem is reported (row number, field, code, Chinese
message) and not saved, the others are saved whole — the order, its numbered history (received,
dispatched) and its answer deadline — in one transaction per batch. Nothing is half-saved: a row is
all there or not at all. A row whose hotline number was imported before is reported, so importing
the same file twice creates nothing twice.

The writes are batched (one insert per table per batch, the numbers reserved in one statement):
the hotline hands over thousands of orders a day, and the row-by-row services would spend their
time on round trips (``bench/feedback.py``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import F, JSONField, Model

from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.lifecycle.center_settings import yellow_share
from onewindow.lifecycle.chain import GENESIS
from onewindow.lifecycle.deadlines import Kind
from onewindow.lifecycle.models import Deadline
from onewindow.lifecycle.services import event_content, sign
from onewindow.organization.models import Department, Region, Staff
from onewindow.workdays.selectors import snapshot_for

from . import rules as r
from .clock import fixed_due
from .models import FeedbackSequence, WorkOrder, WorkOrderEvent
from .permissions import Perm, require
from .subjects import ORDER_SUBJECT

# The provincial 12345 platform's export columns → our fields.
COLUMNS: dict[str, str] = {
    "工单编号": "external_number",
    "来电时间": "received_at",
    "来电人": "caller_name",
    "联系电话": "caller_phone",
    "诉求内容": "content",
    "诉求类别": "kind",
    "承办单位": "department",
    "办结时限": "due_at",
}
REQUIRED = ("external_number", "received_at", "content", "kind", "department", "due_at")
KIND_WORDS = {"投诉": r.OrderKind.COMPLAINT, "举报": r.OrderKind.COMPLAINT, "咨询": r.OrderKind.INQUIRY,
              "求助": r.OrderKind.INQUIRY, "建议": r.OrderKind.SUGGESTION, "表扬": r.OrderKind.PRAISE,
              "感谢": r.OrderKind.PRAISE}
MAX_ROWS = 200_000
BATCH = 2000
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based data row (the header is row 0)
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # our order numbers, in file order
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class HotlineRow:
    row: int
    external_number: str
    received_at: datetime
    caller_name: str
    caller_phone: str
    content: str
    kind: r.OrderKind
    department: Department
    due_on: date


# -- reading ---------------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8 or GB18030) or Excel (.xlsx) file, keyed by our field names."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv") or not name:
        table = _csv_rows(data)
    else:
        raise DomainError("import.format_invalid", "仅支持 CSV 或 Excel（.xlsx）文件", field="file")
    if not table:
        raise DomainError("import.empty", "文件中没有数据", field="file")
    header = [str(h or "").strip() for h in table[0]]
    missing = [label for label, key in COLUMNS.items() if key in REQUIRED and label not in header]
    if missing:
        raise DomainError("import.columns_missing", "缺少列：" + "、".join(missing), field="file")
    if len(table) - 1 > MAX_ROWS:
        raise DomainError("import.too_many_rows", f"一次最多导入 {MAX_ROWS} 行", field="file")
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    return [{key: _cell(row, i) for key, i in index.items()} for row in table[1:] if any(_cell(row, i) for i in
                                                                                        range(len(row)))]


def _cell(row: Sequence[Any], i: int) -> str:
    if i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("import.encoding_invalid", "文件编码无法识别（应为 UTF-8 或 GB18030）", field="file")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError("import.format_invalid", "Excel 文件无法读取", field="file") from None
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


# -- checking --------------------------------------------------------------------------------------------


def _moment(text: str) -> datetime | None:
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt in ("%Y-%m-%d", "%Y/%m/%d"):
            parsed = datetime.combine(parsed.date(), time(23, 59, 59))
        return parsed.replace(tzinfo=SHANGHAI)
    return None


def _departments(region: Region) -> dict[str, Department]:
    found: dict[str, Department] = {}
    for d in Department.objects.filter(region=region):
        for key in (d.name, d.short_name, d.code):
            if key:
                found.setdefault(key.strip(), d)
    return found


def check_rows(region: Region, rows: Iterable[dict[str, str]], *, now: datetime) -> tuple[list[HotlineRow],
                                                                                          list[RowProblem]]:
    """Each row as a :class:`HotlineRow`, or its problems (every field's, not only the first)."""
    units = _departments(region)
    good: list[HotlineRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    rows = list(rows)
    numbers = [row.get("external_number", "") for row in rows]
    wanted = sorted({n for n in numbers if n})
    known: set[str] = set()
    for start in range(0, len(wanted), 5000):  # bound the statement's parameters (65 535 on PostgreSQL)
        known.update(WorkOrder.objects.filter(region=region, external_number__in=wanted[start:start + 5000])
                     .values_list("external_number", flat=True))
    for n, row in enumerate(rows, start=1):
        mine: list[RowProblem] = []

        def bad(fld: str, code: str, message: str, row_no: int = n, into: list[RowProblem] = mine) -> None:
            into.append(RowProblem(row_no, fld, code, message))

        for key in REQUIRED:
            if not row.get(key):
                label = next(lbl for lbl, k in COLUMNS.items() if k == key)
                bad(key, "import.required", f"“{label}”不能为空")
        number = row.get("external_number", "")
        if number and len(number) > 40:
            bad("external_number", "import.number_invalid", "工单编号过长（最多 40 个字符）")
        elif number in known:
            bad("external_number", "import.duplicate", f"工单 {number} 已导入过")
        elif number in seen:
            bad("external_number", "import.duplicate", f"工单 {number} 与第 {seen[number]} 行重复")
        elif number:
            seen[number] = n
        received = _moment(row.get("received_at", "")) if row.get("received_at") else None
        if row.get("received_at") and received is None:
            bad("received_at", "import.date_invalid", f"来电时间“{row['received_at']}”无法识别，应为 YYYY-MM-DD HH:MM")
        elif received is not None and received > now:
            bad("received_at", "import.date_future", "来电时间晚于现在")
        due = _moment(row.get("due_at", "")) if row.get("due_at") else None
        if row.get("due_at") and due is None:
            bad("due_at", "import.date_invalid", f"办结时限“{row['due_at']}”无法识别，应为 YYYY-MM-DD HH:MM")
        elif due is not None and received is not None and due < received:
            bad("due_at", "import.due_before_receipt", "办结时限早于来电时间")
        kind = KIND_WORDS.get(row.get("kind", ""))
        if row.get("kind") and kind is None:
            bad("kind", "import.kind_invalid", f"诉求类别“{row['kind']}”无效，应为：" + "、".join(KIND_WORDS))
        unit = units.get(row.get("department", ""))
        if row.get("department") and unit is None:
            bad("department", "import.unit_unknown", f"承办单位“{row['department']}”不是{region.name}的部门")
        if len(row.get("content", "")) > 4000:
            bad("content", "import.content_too_long", "诉求内容最多 4000 字")
        if mine:
            problems += mine
            continue
        if received is None or due is None or kind is None or unit is None:  # reported above
            continue
        good.append(HotlineRow(n, number, received, row.get("caller_name", "")[:64], row.get("caller_phone", "")[:20],
                               row["content"], kind, unit, local_date(due)))
    return good, problems


# -- writing ---------------------------------------------------------------------------------------------


def _reserve(region: Region, year: int, n: int) -> int:
    """Reserve ``n`` consecutive order numbers; returns the first."""
    seq, _ = FeedbackSequence.objects.select_for_update().get_or_create(region=region, year=year, kind="GD")
    FeedbackSequence.objects.filter(pk=seq.pk).update(last=F("last") + n)
    return seq.last + 1


def _chain(order: WorkOrder, steps: list[tuple[str, str, dict[str, Any]]], *, at: datetime,
           actor: Staff) -> list[WorkOrderEvent]:
    events: list[WorkOrderEvent] = []
    prev = GENESIS
    for seq, (kind, note, payload) in enumerate(steps, start=1):
        event = WorkOrderEvent(order=order, seq=seq, kind=kind, at=at, actor=actor, actor_label=actor.name, note=note,
                               payload=payload, prev_hash=prev)
        sign(event, event_content, order.number)  # keyed, as event_append signs (bulk-inserted here)
        prev = event.hash
        events.append(event)
    return events


def write_batch(region: Region, rows: Sequence[HotlineRow], *, actor: Staff, at: datetime) -> list[WorkOrder]:
    """Save these checked rows whole — orders, histories, deadline rows — in the caller's transaction."""
    if not rows:
        return []
    today = local_date(at)
    first = _reserve(region, today.year, len(rows))
    snapshot, share = snapshot_for(region.code), yellow_share(region.code)  # once for the batch
    orders: list[WorkOrder] = []
    dues = []
    for i, row in enumerate(rows):
        due = fixed_due(region, local_date(row.received_at), row.due_on, what="答复期限", snapshot=snapshot,
                        share=share)
        dues.append(due)
        orders.append(WorkOrder(
            number=f"{region.prefix}-GD{today.year}-{first + i:06d}", region=region, kind=row.kind,
            source=r.Source.HOTLINE_IMPORT, handling=r.Handling.HOTLINE, topic=row.content[:30], content=row.content,
            caller_name=row.caller_name, caller_phone=row.caller_phone, external_number=row.external_number,
            department=row.department, owner=actor, state=r.OrderState.DISPATCHED, received_at=row.received_at,
            answer_due=due.due_on, answer_yellow=due.yellow_from, answer_explanation=due.explanation))
    _insert(WorkOrder, orders, ids=True)
    events: list[WorkOrderEvent] = []
    deadlines: list[Deadline] = []
    for order, due in zip(orders, dues, strict=True):
        events += _chain(order, [
            ("received", order.content[:200], {"kind": order.kind, "source": order.source, "handling": order.handling,
                                               "answer_due": due.due_on.isoformat(),
                                               "external_number": order.external_number}),
            ("dispatched", "12345 工单按承办单位分派", {"department": order.department_id})], at=at, actor=actor)
        deadlines.append(Deadline(
            subject_type=ORDER_SUBJECT, subject_id=order.pk, kind=Kind.REPLY, key="", region=region,
            department_id=order.department_id, responsible_id=actor.pk, due_on=due.due_on,
            yellow_from=due.yellow_from, title="诉求答复", explanation=due.explanation, changed_at=at))
    _insert(WorkOrderEvent, events)
    _insert(Deadline, deadlines)
    return orders


def _insert(model: type[Model], objects: Sequence[Model], *, ids: bool = False) -> None:
    """Insert these new instances. On PostgreSQL with ``COPY`` (ids taken from the table's
    sequence first when ``ids``): no statement text, no per-value parameter, no per-field
    preparation by the ORM — the bulk of an import's time otherwise. Elsewhere ``bulk_create``."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [meta.db_table, len(objects)])
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
        fields = [f for f in meta.concrete_fields if not f.primary_key or ids]
        json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
        statement = (f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN")
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row([json.dumps(getattr(obj, f.attname), ensure_ascii=False) if f.attname in json_fields
                                else getattr(obj, f.attname) for f in fields])


def hotline_import(*, region: Region, rows: Iterable[dict[str, str]], actor: Staff,
                   at: datetime | None = None) -> ImportReport:
    """Check every row, save the good ones dispatched to their units, report the others."""
    at = at or current_time()
    require(actor, Perm.ORDER_IMPORT, region=region)
    rows = list(rows)
    report = ImportReport(rows=len(rows))
    good, report.problems = check_rows(region, rows, now=at)
    for start in range(0, len(good), BATCH):
        with transaction.atomic():
            report.created += [o.number for o in write_batch(region, good[start:start + BATCH], actor=actor, at=at)]
    return report
