"""The exchange's demo: the records of the demo cases, collected as the job would collect them.

The demo has no upper-level platform to push to (``ONEWINDOW_EXCHANGE_URL`` is empty), so the
records wait, and the status page says so. Idempotent: a fact already recorded is not recorded again.
"""

from __future__ import annotations

from datetime import date

from .models import ExchangeRecord
from .services import collect


def load_demo(*, today: date | None = None) -> str:
    collect()
    return f"上级平台交换记录 {ExchangeRecord.objects.count()} 条（未配置平台地址，待推送）"
