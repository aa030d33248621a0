"""Pure rules of notifications: recipients, retry backoff, masking. No Django imports.

The ORM, the settings and the senders live elsewhere; these functions take plain values so the
API, the services and the outbox page agree on one reading.
"""

from __future__ import annotations

import re
from datetime import timedelta

from onewindow.core.identity import mask_phone

# A mainland China mobile number: 11 digits, 1 then 3–9 (the MIIT number plan's mobile blocks).
MOBILE_RE = re.compile(r"1[3-9]\d{9}")

# Separators people type inside a phone number, and the country code some of them add.
_PHONE_NOISE = re.compile(r"[\s\-()（）]")
_COUNTRY_PREFIXES = ("+86", "0086", "86")

# Retry schedule: 1, 2, 4, 8 … minutes after each failed attempt, never more than an hour apart.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(minutes=60)

# A message claimed by a worker that has not reported back within this time is claimed again:
# the worker crashed or was killed between claiming and recording the outcome.
SENDING_LEASE = timedelta(minutes=10)

DEFAULT_MAX_ATTEMPTS = 8

# Kinds whose body is a secret (one-time login codes): shown only to those who may manage the row.
SECRET_KIND_PREFIXES = ("auth.",)


def normalize_phone(value: str) -> str:
    """``'+86 138-0013-8000'`` → ``'13800138000'``; anything else is returned stripped of separators."""
    value = _PHONE_NOISE.sub("", value.strip())
    for prefix in _COUNTRY_PREFIXES:
        # Only strip a country code that leaves exactly a mobile number behind.
        if value.startswith(prefix) and MOBILE_RE.fullmatch(value[len(prefix):]):
            return value[len(prefix):]
    return value


def is_mainland_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number (already normalized)."""
    return MOBILE_RE.fullmatch(value) is not None


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped at 60."""
    if attempts < 1:
        return BACKOFF_BASE
    # Past 2**6 minutes the cap applies anyway; bounding the exponent avoids huge integers.
    return min(BACKOFF_BASE * (2 ** min(attempts - 1, 16)), BACKOFF_CAP)


def mask_email(value: str) -> str:
    """``zhang.san@example.cn`` → ``z***@example.cn``."""
    local, at, domain = value.strip().partition("@")
    if not at:
        return mask_phone(value)
    return (local[:1] or "*") + "***@" + domain


def mask_recipient(channel: str, value: str) -> str:
    """The recipient as shown to staff who may not see it in full."""
    if not value:
        return value
    return mask_email(value) if channel == "email" else mask_phone(value)


def is_secret_kind(kind: str) -> bool:
    """True for kinds whose body must not be shown to every viewer (``auth.otp``)."""
    return kind.startswith(SECRET_KIND_PREFIXES)


# What each kind of message is, as the outbox shows it (the code stays in the row and in a tooltip).
KIND_LABELS = {
    "auth.otp": "登录验证码",
    "case.submitted": "收件通知",
    "case.accepted": "受理通知",
    "case.deemed_accepted": "视为受理通知",
    "case.supplement_requested": "补正告知",
    "case.refused": "不予受理通知",
    "case.special_procedure_started": "特别程序告知",
    "case.special_procedure_ended": "特别程序结束通知",
    "case.extension_granted": "延期告知",
    "case.decided": "决定通知",
    "case.certificate_issued": "制证通知",
    "case.calendar_retimed": "期限调整通知",
    "supervision.order": "督办通知",
}
_KIND_PREFIX_LABELS = (("supervision.", "监察预警通知"), ("case.", "办件通知"), ("auth.", "账户通知"))


def kind_label(kind: str) -> str:
    """The Chinese name of a message kind (``auth.otp`` → 登录验证码); the code itself if unknown."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return next((label for prefix, label in _KIND_PREFIX_LABELS if kind.startswith(prefix)), kind)
