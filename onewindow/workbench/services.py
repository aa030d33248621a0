"""Writes of the staff web: intake with its scans, and the log of full-ID views.

The case itself is written only by :mod:`onewindow.cases.services`; this module adds the rows the
workbench keeps beside it, in the same transaction where they belong to the same act.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from onewindow.cases.models import Case
from onewindow.cases.receiving import Authorization
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.cases.selectors import can_view_case
from onewindow.cases.services import case_submit
from onewindow.core import filecrypt
from onewindow.core.errors import DomainError, NotFound, PermissionDenied
from onewindow.core.timesource import now as current_time
from onewindow.core.uploads import CheckedFile
from onewindow.organization.models import Staff
from onewindow.organization.permissions import Action, can, require

from .models import CaseScan, IdView

_SAFE = re.compile(r"[^0-9A-Za-z_-]")


def _case_dir(case: Case) -> Path:
    """``uploads/<case number>`` relative to MEDIA_ROOT; the number is made path-safe anyway."""
    return Path("uploads") / _SAFE.sub("_", case.number)


def _write_scans(case: Case, scans: Sequence[CheckedFile], *, actor: Staff | None) -> list[CaseScan]:
    """Store the files (sealed: core.filecrypt) and their rows. Files are written exclusively
    (never over another file); if anything fails, the files written so far are removed and the
    error goes on."""
    media = filecrypt.media_root()
    folder = _case_dir(case)
    start = CaseScan.objects.filter(case=case).count()
    written: list[Path] = []
    rows: list[CaseScan] = []
    try:
        for i, scan in enumerate(scans, start=start + 1):
            relative = folder / f"{i:03d}-{scan.sha256[:12]}.{scan.extension}"
            filecrypt.write_new(relative.as_posix(), scan.data)
            written.append(media / relative)
            rows.append(CaseScan.objects.create(
                case=case, material=scan.material, file_path=relative.as_posix(), original_name=scan.original_name,
                sha256=scan.sha256, content_type=scan.content_type, size=scan.size, uploaded_by=actor,
                uploaded_at=current_time()))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return rows


def intake_submit(*, actor: Staff, item_code: str, applicant: Applicant, materials: list[MaterialCheck],
                  window_number: str | None, is_urgent: bool, scans: Sequence[CheckedFile],
                  channel: str = Case.Channel.WINDOW, authorization: Authorization | None = None) -> Case:
    """收件 at a window with the scans taken in: the case and its scans, or neither.

    The scans were checked before (content type, size), so the only failure left here is the
    case service refusing the application — and then no file is kept.
    """
    with transaction.atomic():
        case = case_submit(actor=actor, item_code=item_code, applicant=applicant, materials=materials,
                           channel=channel, window_number=window_number or None, is_urgent=is_urgent,
                           authorization=authorization)
        _write_scans(case, scans, actor=actor)
    return case


def scans_add(*, case_id: int, actor: Staff, scans: Sequence[CheckedFile]) -> list[CaseScan]:
    """Add scans to an existing case (a supplement brought later), by someone who may take in
    materials for it."""
    case = Case.objects.select_related("region", "department", "item").filter(pk=case_id).first()
    if case is None or not can_view_case(actor, case):
        raise NotFound("办件不存在或您无权查看", code="case.not_found", field="number")
    require(actor, Action.CASE_SUBMIT, region=case.region, department=case.department, item=case.item)
    if not scans:
        raise DomainError("scan.none", "请选择要上传的扫描件", field="file")
    with transaction.atomic():
        return _write_scans(case, scans, actor=actor)


def may_see_full_values(actor: Staff, case: Case) -> bool:
    """Whether ``actor`` handles ``case`` in a role that needs full numbers (clerk, reviewer, chief
    representative), in the case's department or one of its tasks' (a joint item)."""
    if can(actor, Action.PERSONAL_DATA_VIEW, region=case.region, department=case.department):
        return True
    return any(can(actor, Action.PERSONAL_DATA_VIEW, region=case.region, department=t.department)
               for t in case.tasks.select_related("department"))


def id_view_record(*, case: Case, actor: Staff, field: str, reason: str, remote_addr: str | None = None) -> IdView:
    """Log that ``actor`` is shown a full ID number or phone of ``case`` and why (DESIGN.md §6),
    before it is shown. Only those who handle cases may (``Action.PERSONAL_DATA_VIEW``)."""
    if field not in IdView.Field.values:
        raise DomainError("id_view.field_invalid", "要查看的证件号码无效", field="field")
    if reason not in IdView.Reason.values:
        raise DomainError("id_view.reason_required", "请选择查看完整信息的事由", field="reason")
    if not can_view_case(actor, case):
        raise NotFound("办件不存在或您无权查看", code="case.not_found", field="number")
    if not may_see_full_values(actor, case):
        raise PermissionDenied("您的岗位无需查看完整的证件号码或电话，页面显示的是脱敏信息",
                               code="forbidden.personal_data.view")
    return IdView.objects.create(staff=actor, case=case, field=field, reason=reason, viewed_at=current_time(),
                                 remote_addr=remote_addr or None)
