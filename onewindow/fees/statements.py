"""Reading a bank's daily statement (银行对账流水): CSV or Excel, with the columns each bank names
its own way. A bank's profile says which header holds the payment code, the amount (in yuan, as
banks print it) and the bank's reference; more banks are added in ``settings.FEES_BANK_PROFILES``
(same keys) without code.

A malformed row is refused with its line number; nothing of the file is used then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from onewindow.core.errors import DomainError

from .matching import Row
from .money import parse_yuan


@dataclass(frozen=True)
class BankProfile:
    label: str
    code: str  # header of the payment code column
    amount: str  # header of the amount column (yuan, two decimals)
    ref: str = ""  # header of the bank's own reference
    encoding: str = "utf-8-sig"  # CSV only (GB18030 for banks that export so)
    delimiter: str = ","


_BUILT_IN: Mapping[str, BankProfile] = {
    "local": BankProfile("本地模拟银行（演示）", code="缴款码", amount="金额（元）", ref="银行流水号"),
    "icbc": BankProfile("中国工商银行", code="缴款识别码", amount="交易金额", ref="交易流水号", encoding="gb18030"),
    "ccb": BankProfile("中国建设银行", code="缴款编码", amount="金额", ref="流水号"),
}


def bank_profiles() -> dict[str, BankProfile]:
    """The built-in profiles and those configured in ``FEES_BANK_PROFILES`` ({key: {label, code, amount, ...}})."""
    found = dict(_BUILT_IN)
    for key, spec in getattr(settings, "FEES_BANK_PROFILES", {}).items():
        found[key] = BankProfile(**spec)
    return found




def _table(file_name: str, data: bytes, profile: BankProfile) -> list[list[str]]:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise DomainError("statement.unreadable", "无法读取该 Excel 文件", field="statement") from None
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError:
        raise DomainError("statement.encoding", f"文件编码不是 {profile.encoding}", field="statement") from None
    return [row for row in csv.reader(io.StringIO(text), delimiter=profile.delimiter)]


def parse(profile: BankProfile, file_name: str, data: bytes) -> list[Row]:
    """The statement's rows (line numbers as in the file, the header being line 1)."""
    table = _table(file_name, data, profile)
    if not table:
        raise DomainError("statement.empty", "银行流水文件为空", field="statement")
    header = [h.strip() for h in table[0]]
    missing = [h for h in (profile.code, profile.amount) if h not in header]
    if missing:
        raise DomainError("statement.columns_missing", f"流水文件缺少列：{'、'.join(missing)}", field="statement")
    at_code, at_amount = header.index(profile.code), header.index(profile.amount)
    at_ref = header.index(profile.ref) if profile.ref in header else None
    rows: list[Row] = []
    for n, raw in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in raw):
            continue
        cells = [str(c).strip() for c in raw] + [""] * len(header)
        code = cells[at_code]
        if not code or not code.isdigit() or len(code) > 40:
            raise DomainError("statement.row_invalid", f"第 {n} 行：缴款码“{code}”格式不正确", field=f"line {n}")
        try:
            amount = parse_yuan(cells[at_amount])
        except ValueError as exc:
            raise DomainError("statement.row_invalid", f"第 {n} 行：{exc}", field=f"line {n}") from None
        rows.append(Row(n, code, amount, cells[at_ref][:64] if at_ref is not None else ""))
    return rows


def statement_csv(profile: BankProfile, rows: list[Row]) -> bytes:
    """A statement in the profile's layout (the local bank's export, tests and the demo)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=profile.delimiter, lineterminator="\n")
    writer.writerow([profile.code, profile.amount, profile.ref or "银行流水号"])
    for r in rows:
        whole, part = divmod(r.amount_fen, 100)
        writer.writerow([r.payment_code, f"{whole}.{part:02d}", r.bank_ref])
    return out.getvalue().encode(profile.encoding)
