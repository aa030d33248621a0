"""决定前公示 of a benefit case as an openness publication (registered with
:mod:`onewindow.cases.publicity` when the app starts).

The text is made from the case: the item, the department, the proposed decision and the
applicant's name masked (张**) — never an ID number, a phone or an address — with the basis and
the comment period; anyone may object on the publication's public page during the period.
"""

from __future__ import annotations

from datetime import datetime

from onewindow.cases.models import Case
from onewindow.cases.publicity import PublicityNotice, register_publisher
from onewindow.core.identity import mask_name
from onewindow.organization.models import Staff

from .publication_rules import Unit
from .publication_services import publication_publish_for_case


def publicity_text(case: Case) -> tuple[str, str]:
    """The title and body of the case's publicity: nothing that identifies more than the masked name."""
    item = case.item
    version = case.item_version
    name = mask_name(case.applicant_name)
    unit = "日" if item.publicity_calendar_days else "个工作日"
    title = f"{version.name}拟准予对象公示（{name}）"
    body = (f"根据{item.publicity_basis or '有关规定'}，{case.department.name}对以下申请拟作出准予决定，现予公示。\n"
            f"申请人：{name}\n事项：{version.name}\n公示期：{item.publicity_days}{unit}。\n"
            "公示期间，对公示对象有异议的，可通过本公示页面提出，并请说明事实和理由；"
            "我们将逐件核实答复。公示不含申请人身份证号码、联系电话等个人信息。")
    return title, body


def publish_for_case(case: Case, actor: Staff, at: datetime) -> PublicityNotice:
    """The publisher :func:`onewindow.cases.services.case_start_publicity` calls."""
    title, body = publicity_text(case)
    pub = publication_publish_for_case(
        case=case, title=title, body=body, comment_days=case.item.publicity_days or 0,
        comment_unit=(Unit.CALENDAR if case.item.publicity_calendar_days else Unit.WORKDAYS).value,
        actor=actor, at=at)
    assert pub.comment_ends is not None  # published with a comment period
    return PublicityNotice(number=pub.number, comment_ends=pub.comment_ends)


def connect() -> None:
    register_publisher(publish_for_case)
