"""The quarterly progress view as an Excel workbook, every cell through the shared safe-cell writer
(:mod:`onewindow.core.spreadsheet`): an investor's name typed as ``=…`` stays text."""

from __future__ import annotations

import io

from openpyxl import Workbook

from onewindow.core.spreadsheet import append_row

from .rules import LEVEL_LABELS, STATE_LABELS, Level, ProjectState
from .selectors import QuarterView

HEADER = ("项目编号", "项目名称", "投资主体", "总投资（万元）", "级别", "状态", "全程代办员", "本季度计划审批",
          "已办结", "按期办结", "逾期", "已填报自查", "逾期未填报自查")


def quarter_export(view: QuarterView) -> bytes:
    """One sheet: the summary line first, then one row per project."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = view.quarter.code
    append_row(sheet, [f"{view.quarter.label}重点项目审批进度"])
    t = view.totals
    append_row(sheet, ["合计", f"{len(view.rows)} 个项目", "", "", "", "", "", t.planned, t.done, t.on_time, t.late,
                       t.checks_filed, t.checks_owed])
    append_row(sheet, HEADER)
    for row in view.rows:
        p = row.project
        append_row(sheet, [p.number, p.name, p.investor, p.investment, LEVEL_LABELS[Level(p.level)],
                           STATE_LABELS[ProjectState(p.state)], p.proxy.name, row.planned, row.done, row.on_time,
                           row.late, row.checks_filed, row.checks_owed])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
