"""Writes of accounts: issuing, using and revoking API tokens.

A token is ``ow_`` followed by 43 URL-safe characters (32 random bytes). It is shown once, when
issued; the database keeps its SHA-256 digest and a short prefix to recognise it in lists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from onewindow.core import timesource
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, staff_of

from .models import ApiToken, User

TOKEN_PREFIX = "ow_"
PREFIX_LENGTH = 10  # "ow_" and 7 random characters: enough to tell tokens apart, useless alone
MAX_DAYS = 3650
# Writing last_used_at on every request would turn each API read into a write; once a minute
# is enough to see whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """The stored record and the token itself, which exists only in this object."""

    record: ApiToken
    token: str


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_actor(actor: Staff | None, user: User) -> None:
    """The system (None) and the user themself may manage a token; else a center administrator
    posted over the user's region (organization.edit there)."""
    if actor is None or actor.user_id == user.pk:
        return
    target = staff_of(user)
    if target is None or not can(actor, Action.ORGANIZATION_EDIT, region=target.region):
        raise PermissionDenied("您没有为该账户管理接口令牌的权限", code="forbidden.api_token")


@transaction.atomic
def api_token_issue(*, username: str, name: str = "", days: int | None = None,
                    actor: Staff | None = None, at: datetime | None = None) -> IssuedToken:
    """Issue a new token for the active staff login ``username``, valid ``days`` days (None: no expiry)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"登录名 {username} 不存在（登录名）", code="user.not_found", field="username")
    if not user.is_active:
        raise DomainError("api_token.user_inactive", f"账户 {username} 已停用，不能签发令牌（登录名）",
                          field="username")
    if staff_of(user) is None:
        raise DomainError("api_token.not_staff", f"账户 {username} 不是工作人员，不能签发令牌（登录名）",
                          field="username")
    _check_actor(actor, user)
    name = (name or "").strip()
    if len(name) > 64:
        raise DomainError("api_token.name_too_long", "令牌用途不能超过64个字（用途）", field="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise DomainError("api_token.invalid_days", f"有效天数须在1到{MAX_DAYS}之间（有效天数）", field="days")
    moment = at or timesource.now()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH],
        expires_at=moment + timedelta(days=days) if days is not None else None,
    )
    return IssuedToken(record=record, token=token)


@transaction.atomic
def api_token_revoke(*, token_id: int, actor: Staff | None = None, at: datetime | None = None) -> ApiToken:
    """Revoke a token now; revoking it again changes nothing."""
    record = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
    if record is None:
        raise NotFound("令牌不存在", code="api_token.not_found", field="token_id")
    _check_actor(actor, record.user)
    if record.revoked_at is None:
        record.revoked_at = at or timesource.now()
        record.save(update_fields=["revoked_at"])
    return record


def api_token_use(*, token: str, at: datetime | None = None) -> User | None:
    """The active user a presented token belongs to, or None when it is unknown, expired or revoked.

    Records the use (at most once a minute per token).
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    moment = at or timesource.now()
    # Every API call asks for the caller's staff record next: read it with the user.
    record = (ApiToken.objects.select_related("user", "user__staff")
              .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
              .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=moment))
              .first())
    if record is None:
        return None
    if record.last_used_at is None or moment - record.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=moment)
    return record.user
