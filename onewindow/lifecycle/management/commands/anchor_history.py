"""``manage.py anchor_history``: take an anchor of every history table per region now (the
scheduler takes one daily); ``verify_history`` then recomputes them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onewindow.lifecycle.anchors import anchor_dir, anchors_take


class Command(BaseCommand):
    help = "为每个事件表按区划签署历史锚点（事件数、记录数、哈希摘要），用于发现整条记录被删除或事件链被重算。"

    def handle(self, *args: Any, **options: Any) -> None:
        written = anchors_take(reason="on demand")
        for a in written:
            self.stdout.write(f"锚点#{a.pk} {a.table} 区划{a.region_id} 事件≤{a.high_water}：{a.events} 个事件，{a.records} 条记录")
        self.stdout.write(f"共签署 {len(written)} 个锚点，副本写入 {anchor_dir() / 'anchors.jsonl'}")
