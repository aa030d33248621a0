"""A center administrator's supervision settings: save and reset."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from onewindow.core.errors import DomainError, NotFound
from onewindow.lifecycle.center_settings import forget_yellow_shares
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require
from onewindow.tasks.services import job_run_soon
from onewindow.workdays.clock import check_yellow_share

from . import rules as r
from .models import (
    SupervisionSettings,
)

log = logging.getLogger("onewindow.supervision")
REFRESH_YELLOW_JOB = "cases.refresh_yellow_lines"


# -- a center's settings -------------------------------------------------------------------------------

_MAX_RANKING_CASES = 10_000
_MAX_REPLY_WORKDAYS = 30


def _center(region_code: str, actor: Staff) -> Region:
    region = Region.objects.filter(code=region_code, has_center=True).first()
    if region is None:
        raise NotFound(f"区划 {region_code} 没有政务服务中心", code="region.not_found", field="region")
    require(actor, Action.SUPERVISION_SETTINGS, region=region)
    return region


def _share(value: object) -> Decimal:
    try:
        share = check_yellow_share(value)  # the clock's one rule for a yellow share
    except ValueError as exc:
        raise DomainError("supervision.settings.yellow_share_invalid", f"{exc}（黄牌比例）",
                          field="yellow_share") from None
    return Decimal(share.numerator) / Decimal(share.denominator)


def _whole(value: object, *, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise DomainError(f"supervision.settings.{field}_invalid", f"{label}须为 {low} 至 {high} 之间的整数：{value!r}",
                          field=field)
    return number


def settings_save(*, actor: Staff, region_code: str, enabled_rules: Iterable[str], yellow_share: object,
                  min_cases_for_ranking: object, order_reply_workdays: object) -> SupervisionSettings:
    """A center administrator sets the center's own supervision settings (the center's townships
    follow them unless they set their own). A new yellow share reaches the open cases at the
    scheduler's next tick (``cases.refresh_yellow_lines``). Every value is checked, naming its field."""
    region = _center(region_code, actor)
    rules = list(dict.fromkeys(str(c) for c in enabled_rules))
    if unknown := [c for c in rules if c not in r.RULES]:
        raise DomainError("supervision.settings.rule_unknown", f"未知的监察规则：{'、'.join(unknown)}（启用的规则）",
                          field="enabled_rules")
    values = {
        "enabled_rules": [c for c in r.RULES if c in rules],  # in the rules' own order
        "yellow_share": _share(yellow_share),
        "min_cases_for_ranking": _whole(min_cases_for_ranking, field="min_cases_for_ranking",
                                        label="参与排名的最少办件数", low=1, high=_MAX_RANKING_CASES),
        "order_reply_workdays": _whole(order_reply_workdays, field="order_reply_workdays",
                                       label="督办回复期限（工作日）", low=1, high=_MAX_REPLY_WORKDAYS),
        "updated_by": actor,
    }
    with transaction.atomic():
        row, _ = SupervisionSettings.objects.select_for_update().update_or_create(region=region, defaults=values)
        # This process times its next transition with the new share at once; others within a minute.
        transaction.on_commit(forget_yellow_shares)
    log.info("supervision settings of %s saved by staff %s", region.code, actor.pk)
    return row


def settings_reset(*, actor: Staff, region_code: str) -> None:
    """Drop a center's own settings: it follows its parent center's (or the defaults) again."""
    region = _center(region_code, actor)
    with transaction.atomic():
        SupervisionSettings.objects.filter(region=region).delete()
        transaction.on_commit(forget_yellow_shares)
        # A removed row wakes no job: ask for the re-timing of the open cases outright.
        transaction.on_commit(lambda: job_run_soon(REFRESH_YELLOW_JOB))
    log.info("supervision settings of %s reset by staff %s", region.code, actor.pk)
