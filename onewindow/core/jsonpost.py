"""One JSON ``POST`` to a receiver that must take a repeated key without acting twice: the SMS
gateway (``notifications.senders.HttpGatewaySender``) and the upper-level exchange platform
(``exchange.services``). An outbox delivers at least once; the receiver's 409 for "already have
it" is what makes that exactly once."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class PostFailed(Exception):
    """Not delivered: ``status`` is the receiver's HTTP status, or None when there was no answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def post_json(url: str, body: dict[str, Any], *, token: str, timeout: float, key: str) -> str:
    """POST ``body`` as UTF-8 JSON with ``Authorization: Bearer token``; the receipt: the answer's
    JSON ``id``, or ``key`` when the receiver gives none or answers 409 (it has ``key`` already)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 409:
            return key
        raise PostFailed(f"HTTP {exc.code}", exc.code) from exc
    except (OSError, ValueError) as exc:
        raise PostFailed(f"{exc.__class__.__name__}: {exc}") from exc
    try:
        receipt = json.loads(answer or b"{}").get("id")
    except (ValueError, AttributeError):
        receipt = None
    return str(receipt) if receipt else key
