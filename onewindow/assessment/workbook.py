"""A report as an Excel workbook (openpyxl), drawn from its frozen content only. Every row goes
through :mod:`onewindow.core.spreadsheet` (a name typed as ``=…`` stays text, never a formula)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from onewindow.core.spreadsheet import append_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: Any) -> Any:
    """Scores as numbers a spreadsheet can sum (they are stored as text in the JSON content)."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], note: str = "") -> None:
    ws: Worksheet = book.create_sheet(title=title[:31])
    if note:
        append_row(ws, [note])
    for cell in append_row(ws, headers):
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        values = [cell.value for cell in append_row(ws, row)]
        for i, v in enumerate(values[: len(widths)]):
            widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, width * 1.6 + 2)
    ws.freeze_panes = ws.cell(row=3 if note else 2, column=1)


def workbook(content: dict[str, Any]) -> bytes:
    """概况, the ranking (or the subject's lines / months), the deductions by item, awards,
    corrections and the trend, one sheet each."""
    book = Workbook()
    book.remove(book.active)
    note = f"{content['number']} {content['title']}"
    summary = [("报告编号", content["number"]), ("标题", content["title"]), ("区划", content["region"]),
               ("考核期", content["period_label"]), ("考核对象", content["subject_label"]),
               ("出具日期", content["issued_on"])]
    if content["report_kind"] == "period":
        summary += [("考核方案", content["scheme"]), ("基础分 / 封顶分", f"{content['base']} / {content['cap']}"),
                    ("对象数", content["subjects"]), ("平均分", _number(content["mean"])),
                    ("最高分", _number(content["highest"])), ("最低分", _number(content["lowest"])),
                    ("样本不足的对象", content["small"]), ("异议（提出 / 采纳 / 未采纳）",
                                                  "{raised} / {accepted} / {rejected}".format(**content["objections"]))]
        summary += [(f"等次：{g['grade']}", g["count"]) for g in content["grades"]]
    else:
        summary += [("已发布的月度考核", "、".join(m["period"] for m in content["months"])),
                    ("对象数", content["subjects"])]
    _sheet(book, "概况", ["项目", "内容"], [(k, _number(v) if isinstance(v, str) and k.endswith("分") else v)
                                           for k, v in summary], note)
    if "ranking" in content and content["report_kind"] == "period":
        _sheet(book, "排名", ["名次", "对象", "得分（含更正）", "发布得分", "等次", "样本不足", "已更正"],
               [(r["rank"], r["name"], _number(r["total"]), _number(r["published_total"]), r["grade"],
                 "是" if r["small"] else "", "是" if r["corrected"] else "") for r in content["ranking"]], note)
    elif "ranking" in content:
        _sheet(book, "排名", ["名次", "对象", "参加月数", "平均分", "最低分", "获评", "末位通报次数"],
               [(r["rank"], r["name"], r["months"], _number(r["mean"]), _number(r["lowest"]), r["awards"],
                 r["bottom"]) for r in content["ranking"]], note)
    if "lines" in content:
        _sheet(book, "明细", ["项目", "次数", "每次分值", "小计", "状态", "依据"],
               [(x["label"], x["count"], _number(x["points"]), _number(x["amount"]), x["note"],
                 "；".join(x["evidence"])) for x in content["lines"]], note)
    if "month_rows" in content:
        _sheet(book, "逐月", ["考核期", "名次", "得分", "等次", "样本不足"],
               [(m["period"], m["rank"], _number(m["total"]), m["grade"], "是" if m["small"] else "")
                for m in content["month_rows"]], note)
    _sheet(book, "扣分分布", ["项目", "次数", "扣分"],
           [(d["label"], d["count"], _number(d["points"])) for d in content["deductions"]], note)
    if content.get("awards"):
        _sheet(book, "评优", ["评优", "对象", "名次", "得分"],
               [(a["label"], a["name"], a["rank"], _number(a["total"])) for a in content["awards"]], note)
    if content.get("corrections"):
        _sheet(book, "更正", ["更正序号", "对象", "内容", "分值变动", "更正前", "更正后", "等次", "理由", "日期"],
               [(c["number"], c["name"], c["what"], _number(c["amount"]), _number(c["before"]), _number(c["after"]),
                 c["grade"], c["reason"], c["on"]) for c in content["corrections"]], note)
    trend = content["trend"]
    _sheet(book, "趋势", ["考核期", *[s["name"] for s in trend["series"]]],
           [(label, *[_number(s["values"][i]) for s in trend["series"]]) for i, label in enumerate(trend["labels"])],
           note)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
