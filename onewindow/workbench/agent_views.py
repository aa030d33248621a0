"""村代办: the proxy agent's daily work page, read on a phone in the village."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.cases.receiving import files_as_agent
from onewindow.cases.referral_rules import REFERRAL_LABELS, ReferralState
from onewindow.core.identity import mask_name
from onewindow.core.timesource import local_date
from onewindow.organization.permissions import staff_of

from . import selectors


@login_required
@require_GET
def agent_day(request: HttpRequest) -> HttpResponse:
    """我的代办: paper to bring to the township first, then results to hand over, then the rest;
    the villagers' names masked (the page is read in the open)."""
    staff = staff_of(request.user)
    if staff is None or not files_as_agent(staff):
        return render(request, "workbench/forbidden.html",
                      {"reason": "本页面供村代办员使用：列出您代办的办件。"}, status=403)
    today = local_date()
    day = selectors.agent_day(staff, today)
    sections = [
        ("paper_owed", "待送纸质材料到乡镇便民服务中心", day.paper_owed),
        ("to_hand_over", "结果已制发，待送达申请人", day.to_hand_over),
        ("in_progress", "办理中", day.in_progress),
        ("concluded", "近30天已办结", day.concluded),
    ]
    rows = {key: [{"case": c, "applicant": mask_name(c.applicant_name),
                   "where": REFERRAL_LABELS.get(ReferralState(c.referral_state or ""), "") or c.get_status_display(),
                   "late": key == "paper_owed" and c.paper_due is not None and c.paper_due < today}
                  for c in cases] for key, _title, cases in sections}
    return render(request, "workbench/agent.html", {
        "staff": staff, "today": today, "counts": day.counts,
        "sections": [(key, title, rows[key]) for key, title, _cases in sections]})
