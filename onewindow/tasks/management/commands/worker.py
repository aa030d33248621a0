from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from onewindow.tasks.runner import run_due_jobs, run_forever


class Command(BaseCommand):
    help = "运行后台定时任务（生产环境的独立 worker 进程；可同时运行多个）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮到期任务后退出")
        parser.add_argument("--tick", type=float, default=settings.ONEWINDOW["SCHEDULER_TICK_SECONDS"])

    def handle(self, *args, once: bool, tick: float, **options) -> None:
        if once:
            for name in run_due_jobs():
                self.stdout.write(f"ran {name}")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        run_forever(tick, stop)
