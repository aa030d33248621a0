"""``Idempotency-Key`` for writes (DESIGN.md §5): a retried request never does the work twice.

The stored answer is written in the same transaction as the work it answers, so either both
exist or neither does: a request that failed can be retried with the same key, and a request
that succeeded answers every retry with its first answer. Two requests with one key at once are
serialized by the unique key (the second waits for the first's commit, then reads its answer).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from onewindow.core.errors import DomainError

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
_MAX_KEY = 128


def _fingerprint(request: HttpRequest) -> str:
    body = request.body or b""
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def run_idempotent(request: HttpRequest, work: Callable[[], tuple[int, Any]]) -> Status:
    """Run ``work`` (returning ``(status, json_body)``) once per key and caller; replay otherwise."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return Status(*work())
    if len(key) > _MAX_KEY:
        raise DomainError("idempotency_key.invalid", f"Idempotency-Key 不能超过 {_MAX_KEY} 个字符",
                          field=HEADER)
    user = request.auth
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record, created = IdempotentRequest.objects.select_for_update().get_or_create(
            user=user, key=key, defaults={"fingerprint": fingerprint, "status_code": 0})
        if not created:
            if record.fingerprint != fingerprint:
                raise DomainError("idempotency_key.reused",
                                  "该 Idempotency-Key 已用于另一个不同的请求，请换用新的键", field=HEADER)
            return Status(record.status_code, record.response)
        status, body = work()
        record.status_code = status
        record.response = json.loads(json.dumps(body, default=str))
        record.save(update_fields=["status_code", "response"])
        return Status(status, body)
