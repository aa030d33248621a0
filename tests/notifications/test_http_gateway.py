"""HttpGatewaySender: the message's delivery key as the gateway's out_id, 409 as "already have it"."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onewindow.notifications.models import OutboxMessage
from onewindow.notifications.senders import HttpGatewaySender, SendError


@pytest.fixture
def gateway(settings):
    answers: list[int] = []
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append({"body": json.loads(self.rfile.read(int(self.headers["Content-Length"]))),
                         "auth": self.headers.get("Authorization")})
            self.send_response(answers.pop(0) if answers else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "gw-1"}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_port}/",
                          "SMS_GATEWAY_TOKEN": "t0ken"}
    yield answers, seen
    server.shutdown()


def message() -> OutboxMessage:
    return OutboxMessage(pk=7, region_id=3, channel="sms", recipient="13900000000", body="您的办件已受理")


def test_the_gateway_gets_the_same_out_id_on_every_attempt_and_its_id_is_kept(gateway):
    answers, seen = gateway
    assert HttpGatewaySender().send(message()) == "gw-1"
    assert HttpGatewaySender().send(message()) == "gw-1"
    assert [s["body"]["out_id"] for s in seen] == ["onewindow-3-7", "onewindow-3-7"]
    assert seen[0]["body"] == {"out_id": "onewindow-3-7", "phone": "13900000000", "text": "您的办件已受理"}
    assert seen[0]["auth"] == "Bearer t0ken"


def test_409_means_delivered_before_and_other_errors_fail_the_attempt(gateway, settings):
    answers, _ = gateway
    answers.extend([409, 500])
    assert HttpGatewaySender().send(message()) == "onewindow-3-7"
    with pytest.raises(SendError, match="500"):
        HttpGatewaySender().send(message())
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SMS_GATEWAY_URL": ""}
    with pytest.raises(SendError, match="SMS_GATEWAY_URL"):
        HttpGatewaySender().send(message())
