from __future__ import annotations

import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from onewindow.tasks.runner import run_forever


class Command(BaseCommand):
    help = "单机运行：在同一进程中启动网页服务（waitress）和后台定时任务。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-scheduler", action="store_true")

    def handle(self, *args, host: str, port: int, threads: int, no_scheduler: bool, **options) -> None:
        from waitress import serve

        from onewindow.wsgi import application

        stop = threading.Event()
        if not no_scheduler:
            tick = settings.ONEWINDOW["SCHEDULER_TICK_SECONDS"]
            threading.Thread(target=run_forever, args=(tick, stop), name="scheduler", daemon=True).start()
        self.stdout.write(f"onewindow serving on http://{host}:{port}/ (scheduler {'off' if no_scheduler else 'on'})")
        try:
            serve(application, host=host, port=port, threads=threads, ident="onewindow")
        finally:
            stop.set()
