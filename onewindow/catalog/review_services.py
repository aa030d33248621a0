"""Writes of catalog governance: the legal review (法制办审核) of a drafted version, its publication,
and the streamlining changes (取消, 合并, 下放) the 精简报告 reads.

- A draft is written by :func:`.services.item_draft_version` or an import with an actor.
- :func:`version_review` records the review: by a staff member with ``catalog.legal_review`` in the
  item's region (and department) who is **not the drafter**; the date, the opinion, approve or
  reject. If the draft matches a cancelled item (:mod:`.review_rules`), approval must name that
  item as acknowledged (``catalog.cancelled_not_acknowledged``).
- :func:`version_publish` publishes an approved draft; it is refused while the review is missing
  or rejected (``catalog.review_required``, ``catalog.review_rejected``) and re-checks the
  cancelled-item rule.
- :func:`item_record_change` cancels, merges or delegates an item (``catalog.edit``): the item
  leaves the list (在用 off) and the change is kept with its basis and date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from onewindow.core import pagecache
from onewindow.core.errors import DomainError, NotFound
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require
from onewindow.organization.rules import is_within

from .models import CatalogChange, LegalReview, ServiceItem, ServiceItemVersion
from .review_rules import ItemFacts, returning_cancelled
from .services import cancelled_facts

OPINION_MAX = 1000
BASIS_MAX = 200
NOTE_MAX = 200


def _draft(version_id: int) -> ServiceItemVersion:
    version = (ServiceItemVersion.objects.select_for_update(of=("self",))
               .select_related("item__region", "item__department", "legal_review").filter(pk=version_id).first())
    if version is None:
        raise NotFound("未找到该事项版本", code="version.not_found", field="version_id")
    return version


def _review_of(version: ServiceItemVersion) -> LegalReview:
    review = LegalReview.objects.select_for_update().filter(version=version).first()
    if review is None:
        raise DomainError("catalog.review_required",
                          f"“{version.name}”第{version.version}版未经法制审核，不得发布（事项发布须先经法制办审核通过）",
                          field="version_id")
    return review


def unacknowledged_cancelled(version: ServiceItemVersion, acknowledged: Iterable[int]) -> list[tuple[ItemFacts, str]]:
    """The cancelled items ``version`` matches that are not among ``acknowledged`` (item ids)."""
    candidate = ItemFacts(version.item_id, version.item.basic_code, version.name, version.legal_basis)
    known = set(acknowledged)
    return [(f, why) for f, why in returning_cancelled(candidate, cancelled_facts()) if f.item_id not in known]


def _cancelled_error(version: ServiceItemVersion, found: list[tuple[ItemFacts, str]], field: str) -> DomainError:
    names = "；".join(f"“{f.name}”（{why}）" for f, why in found)
    return DomainError("catalog.cancelled_not_acknowledged",
                       f"“{version.name}”与已取消的事项{names}相符：已取消的事项不得以备案、核准等其他名目重新设立，"
                       "法制审核须明确知悉该已取消事项并说明理由后方可通过", field=field)


def version_review(*, version_id: int, actor: Staff, approve: bool, opinion: str,
                   acknowledged_item_ids: Iterable[int] = ()) -> LegalReview:
    """法制办审核 of a draft: approve or reject with an opinion (required), by a reviewer other than
    the drafter; approval must acknowledge every cancelled item the draft matches."""
    opinion = (opinion or "").strip()
    acknowledged = sorted(set(acknowledged_item_ids))
    with transaction.atomic():
        version = _draft(version_id)
        item = version.item
        require(actor, Action.CATALOG_LEGAL_REVIEW, region=item.region, department=item.department)
        if not version.is_draft:
            raise DomainError("catalog.not_draft", f"第{version.version}版已发布，无需审核", field="version_id")
        review = _review_of(version)
        if review.status != LegalReview.Status.PENDING:
            raise DomainError("catalog.already_reviewed",
                              f"第{version.version}版已审核（{review.get_status_display()}），不能重复审核",
                              field="version_id")
        if review.drafter_id is not None and review.drafter_id == actor.pk:
            raise DomainError("catalog.reviewer_is_drafter", "审核人不能是拟稿人本人：法制审核须由另一名工作人员进行",
                              field="reviewer")
        if not opinion:
            raise DomainError("catalog.opinion_required", "请填写审核意见", field="opinion")
        if len(opinion) > OPINION_MAX:
            raise DomainError("catalog.opinion_too_long", f"审核意见不能超过{OPINION_MAX}个字符", field="opinion")
        cancelled_ids = {f.item_id for f in cancelled_facts()}
        stray = [pk for pk in acknowledged if pk not in cancelled_ids]
        if stray:
            raise DomainError("catalog.acknowledged_not_cancelled", "知悉的事项须为已取消的事项", field="acknowledged")
        if approve:
            missing = unacknowledged_cancelled(version, acknowledged)
            if missing:
                raise _cancelled_error(version, missing, "acknowledged")
        review.status = LegalReview.Status.APPROVED if approve else LegalReview.Status.REJECTED
        review.reviewer = actor
        review.reviewed_at = timezone.now()
        review.opinion = opinion
        review.save(update_fields=["status", "reviewer", "reviewed_at", "opinion"])
        review.acknowledged.set(acknowledged)
    return review


def version_publish(*, version_id: int, actor: Staff) -> ServiceItemVersion:
    """Publish a reviewed draft: it becomes the item's current version. Refused while the legal
    review is missing, pending or rejected, or when it does not acknowledge a cancelled item the
    version matches."""
    with transaction.atomic():
        version = _draft(version_id)
        item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
        require(actor, Action.CATALOG_EDIT, region=version.item.region, department=version.item.department)
        if not version.is_draft:
            raise DomainError("catalog.not_draft", f"第{version.version}版已发布", field="version_id")
        review = _review_of(version)
        label = f"“{version.name}”第{version.version}版"
        if review.status == LegalReview.Status.PENDING:
            raise DomainError("catalog.review_required",
                              f"{label}尚未经法制审核，不得发布（事项发布须先经法制办审核通过）", field="version_id")
        if review.status == LegalReview.Status.REJECTED:
            raise DomainError("catalog.review_rejected",
                              f"{label}法制审核未通过（{review.opinion}），不得发布；请修改后重新提交审核", field="version_id")
        missing = unacknowledged_cancelled(version, review.acknowledged.values_list("pk", flat=True))
        if missing:
            raise _cancelled_error(version, missing, "version_id")
        newer = item.versions.filter(is_draft=False, version__gt=version.version).exists()
        if newer:
            raise DomainError("catalog.draft_outdated", f"{label}之后已有更新的版本发布，请重新起草", field="version_id")
        version.is_draft = False
        version.save(update_fields=["is_draft"])
        review.published_at = timezone.now()
        review.save(update_fields=["published_at"])
        item.current_version = version
        item.save(update_fields=["current_version"])
        transaction.on_commit(pagecache.invalidate)  # the public guide shows the new version at once
        version.item = item
    return version


def item_record_change(*, item_id: int, actor: Staff | None, kind: str, effective_on: date, basis: str,
                       note: str = "", merged_into_id: int | None = None,
                       delegated_to_code: str | None = None) -> CatalogChange:
    """取消, 合并 or 下放 an item with the basis document and the day it takes effect: the item leaves
    the list (在用 off) and the change is kept for the streamlining report. ``actor`` None is the
    system (the demo loader)."""
    try:
        change_kind = CatalogChange.Kind(kind)
    except ValueError:
        raise DomainError("catalog.change_kind_invalid", "变更类型应为取消、合并或下放", field="kind") from None
    basis = (basis or "").strip()
    note = (note or "").strip()
    if not basis:
        raise DomainError("catalog.basis_required", "请填写依据文件（如政府决定的文号）", field="basis")
    if len(basis) > BASIS_MAX:
        raise DomainError("catalog.basis_too_long", f"依据文件不能超过{BASIS_MAX}个字符", field="basis")
    if len(note) > NOTE_MAX:
        raise DomainError("catalog.note_too_long", f"说明不能超过{NOTE_MAX}个字符", field="note")
    with transaction.atomic():
        item = (ServiceItem.objects.select_for_update(of=("self",)).select_related("region", "department",
                                                                                   "current_version")
                .filter(pk=item_id).first())
        if item is None or item.current_version is None:
            raise NotFound("未找到该事项", code="item.not_found", field="item_id")
        if actor is not None:
            require(actor, Action.CATALOG_EDIT, region=item.region, department=item.department)
        if CatalogChange.objects.filter(item=item).exists():
            raise DomainError("catalog.already_changed", "该事项已取消、合并或下放", field="item_id")
        merged_into = None
        delegated_to = None
        if change_kind == CatalogChange.Kind.MERGED:
            merged_into = ServiceItem.objects.filter(pk=merged_into_id, is_active=True).exclude(pk=item.pk).first()
            if merged_into is None:
                raise DomainError("catalog.merge_target_required", "请选择并入的在用事项", field="merged_into")
        if change_kind == CatalogChange.Kind.DELEGATED:
            delegated_to = Region.objects.filter(code=delegated_to_code or "").first()
            if delegated_to is None or delegated_to.code == item.region.code or not is_within(
                    delegated_to.code, item.region.code):
                raise DomainError("catalog.delegate_region_invalid", "下放须选择本区划的下级区划", field="delegated_to")
        version = item.current_version
        change = CatalogChange.objects.create(
            item=item, kind=change_kind, effective_on=effective_on, basis=basis, note=note, merged_into=merged_into,
            delegated_to=delegated_to, name=version.name, item_type=version.item_type,
            legal_basis=version.legal_basis, recorded_by=actor, recorded_at=timezone.now())
        item.is_active = False
        item.save(update_fields=["is_active"])
        transaction.on_commit(pagecache.invalidate)
    return change
