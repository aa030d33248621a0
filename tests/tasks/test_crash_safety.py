"""The worker killed with SIGKILL while it renders notices and sends messages: nothing lost, nothing
sent twice.

A real ``manage.py worker`` process runs against the test database (PostgreSQL: the rows must be
committed for another process to see them) and delivers SMS to a gateway served by this test over
HTTP, the ``HttpGatewaySender`` protocol: the message's ``out_id`` is its delivery key, and the
gateway hands each ``out_id`` to a phone once. The gateway kills the worker at chosen moments —
after it has taken a message and before the worker hears the answer, the worst moment — and
a timer kills it while it renders PDFs; each time a new worker starts. At the end every message is
sent and recorded once, every document rendered with the bytes it recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from onewindow.cases import services as case_services
from onewindow.core import filecrypt
from onewindow.documents.models import Document
from onewindow.notifications.models import OutboxMessage, Status
from onewindow.notifications.services import notify
from tests.cases.helpers import at, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs the committed rows"),
]

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 150
KILL_AT = (10, 45, 90, 120)  # the gateway's n-th request kills the worker before answering


class Gateway:
    """An SMS gateway that deduplicates by ``out_id``, and the worker's executioner."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[str] = []
        self.known: set[str] = set()  # out_ids taken: a repeat is acknowledged, not sent again
        self.phones: dict[tuple[str, str], int] = {}  # (phone, text) → times it reached the phone
        self.worker: subprocess.Popen | None = None
        self.kills = 0

    def take(self, out_id: str, phone: str, text: str) -> bool:
        """Record one request; True if the worker is to die before it hears the answer."""
        with self.lock:
            self.requests.append(out_id)
            if out_id not in self.known:
                self.known.add(out_id)
                self.phones[(phone, text)] = self.phones.get((phone, text), 0) + 1
            return len(self.requests) in KILL_AT

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.worker.wait()
            self.kills += 1


def _serve(gateway: Gateway) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.headers.get("Authorization") != "Bearer gateway-token":
                self.send_response(401)
                self.end_headers()
                return
            if gateway.take(body["out_id"], body["phone"], body["text"]):
                gateway.kill_worker()  # the gateway has it; the worker never learns
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": "gw-" + body["out_id"]}).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the worker it was meant for is dead

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _worker(port: int) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {**os.environ,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "ONEWINDOW_MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "ONEWINDOW_SMS_SENDER": "onewindow.notifications.senders.HttpGatewaySender",
           "ONEWINDOW_SMS_GATEWAY_URL": f"http://127.0.0.1:{port}/sms", "ONEWINDOW_SMS_GATEWAY_TOKEN": "gateway-token",
           "ONEWINDOW_OUTBOX_LEASE_SECONDS": "1", "ONEWINDOW_ANCHOR_DIR": str(Path(settings.MEDIA_ROOT).parent / "anchors")}
    return subprocess.Popen([sys.executable, "manage.py", "worker", "--tick", "0.1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _done() -> bool:
    return (not OutboxMessage.objects.exclude(status=Status.SENT).exists()
            and not Document.objects.filter(rendered_at__isnull=True).exists())


def test_kill_9_mid_send_and_mid_render_loses_nothing_and_sends_nothing_twice(hall):
    for i in range(MESSAGES):
        notify(region=hall.county, channel="sms", recipient=f"1390000{i:04d}", subject="", body=f"通知 {i}",
               kind="test.crash")
    for _ in range(6):  # acceptance notices to render
        case_services.case_accept(case_id=submit(hall).id, actor=hall.clerk, at=at(2026, 9, 29))
    assert Document.objects.filter(rendered_at__isnull=True).count() >= 6

    gateway = Gateway()
    server = _serve(gateway)
    render_kills = 0
    try:
        deadline = time.monotonic() + 240
        gateway.worker = _worker(server.server_port)
        while not _done():
            assert time.monotonic() < deadline, "the outbox and the documents were not finished in time"
            if gateway.worker.poll() is not None:  # killed by the gateway (or crashed): start another
                gateway.worker = _worker(server.server_port)
            elif render_kills < 2 and Document.objects.filter(rendered_at__isnull=False).exists():
                gateway.kill_worker()  # while the rest of the notices are rendering
                render_kills += 1
                gateway.worker = _worker(server.server_port)
            with contextlib.suppress(subprocess.TimeoutExpired):  # wait a little for the worker, then look again
                gateway.worker.wait(timeout=0.3)
    finally:
        gateway.kill_worker()
        server.shutdown()

    assert gateway.kills >= len(KILL_AT)
    rows = list(OutboxMessage.objects.filter(channel="sms"))  # ours and the acceptance notices' SMS
    assert len([r for r in rows if r.kind == "test.crash"]) == MESSAGES
    assert all(r.status == Status.SENT for r in rows)
    keys = {r.delivery_key for r in rows}
    # Some messages were asked for twice (their worker died before hearing the answer) …
    assert len(gateway.requests) > len(keys)
    # … but each reached its phone exactly once (the same out_id on every attempt), none is missing.
    assert gateway.known == keys
    assert gateway.phones == {(r.recipient, r.body): 1 for r in rows}
    assert all(r.provider_message_id == "gw-" + r.delivery_key for r in rows)
    for document in Document.objects.all():
        stored = Path(settings.MEDIA_ROOT) / document.pdf_path
        assert stored.exists(), document.number
        assert hashlib.sha256(filecrypt.read(document.pdf_path)).hexdigest() == document.pdf_sha256
