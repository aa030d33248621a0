"""Demo of catalog governance in 云溪县: four items streamlined last year and this (two cancelled,
one merged into the joint land-use item, one delegated to 城关镇), and two drafts awaiting their
legal review — an ordinary change of hours, and 林木种子生产经营备案, which rests on the cancelled
licence's legal basis and so needs the reviewer to acknowledge it (法制办审核 of a returning item).

Idempotent: items already there are left; changes already recorded are skipped.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff

from .models import CatalogChange, ServiceItem
from .review_services import item_record_change
from .services import catalog_import, item_draft_version, pending_draft
from .spec import parse_catalog_dict

COUNTY = "990121000000"
TOWN = "990121100000"  # 城关镇

SEED_BASIS = "《中华人民共和国种子法》第三十一条"


def _item(code: str, department: str, name: str, item_type: str, basis: str, body: str) -> dict[str, Any]:
    return {
        "implementation_code": code, "basic_code": code[-12:], "region": COUNTY, "department": department,
        "windows": [], "name": name, "item_type": item_type, "implementing_body": body, "legal_basis": basis,
        "acceptance_conditions": "符合法定条件", "statutory_limit": 20, "promised_limit": 10,
        "result_type": "approval_document", "stages": [
            {"name": "受理", "department": department, "role": "clerk", "budget_workdays": 0},
            {"name": "审查", "department": department, "role": "reviewer", "budget_workdays": 6},
            {"name": "决定", "department": department, "role": "chief_representative", "budget_workdays": 3}],
    }


# Items that the demo streamlines (codes in a range the demo catalog does not use).
STREAMLINED = [
    (_item("11990121MB0001499X000190001000", "LYJ", "林木种子生产经营许可证核发（初审）", "licensing", SEED_BASIS,
           "云溪县林业局"), "cancelled", 300, "云政发〔2025〕12号 关于取消和下放一批行政许可事项的决定", {}),
    (_item("11990121MB0000499X000190002000", "FGJ", "粮食收购资格认定", "licensing",
           "《粮食流通管理条例》第九条", "云溪县发展和改革局"), "cancelled", 40,
     "云政发〔2026〕5号 关于取消一批行政许可事项的决定", {}),
    (_item("11990121MB0000299X000190003000", "GTJ", "建设项目选址意见书核发", "licensing",
           "《中华人民共和国城乡规划法》第三十六条", "云溪县自然资源局"), "merged", 90,
     "云政办发〔2026〕3号 关于推进用地预审与选址意见书合并办理的通知", {"merged_into": "用地预审与选址意见书"}),
    (_item("11990121MB0001099X000190004000", "GSJ", "农村集体经济组织成员个体工商户登记", "licensing",
           "《促进个体工商户发展条例》第八条", "云溪县市场监督管理局"), "delegated", 20,
     "云政发〔2026〕7号 关于向乡镇下放一批县级审批服务事项的决定", {"delegated_to": TOWN}),
]

RETURNING = _item("11990121MB0001499X000190005000", "LYJ", "林木种子生产经营备案", "other_power", SEED_BASIS,
                  "云溪县林业局")


def load_demo(*, today: date | None = None) -> str:
    """Create the streamlined items and their changes, and the two pending drafts."""
    today = today or local_date()
    admin = Staff.objects.filter(user__username="admin").first()
    with transaction.atomic():
        spec, problems = parse_catalog_dict({"format": "onewindow-catalog/1",
                                             "items": [entry[0] for entry in STREAMLINED], "bundles": []})
        if problems:
            raise ValueError(problems)
        catalog_import(spec=spec, actor=None, change_note="演示：精简前的事项")
        changes = 0
        for data, kind, days_ago, basis, extra in STREAMLINED:
            item = ServiceItem.objects.get(implementation_code=data["implementation_code"])
            if CatalogChange.objects.filter(item=item).exists():
                continue
            target = None
            if "merged_into" in extra:
                target = (ServiceItem.objects.filter(region__code=COUNTY, is_active=True,
                                                     current_version__name__contains=extra["merged_into"]).first())
            item_record_change(item_id=item.pk, actor=None, kind=kind, effective_on=today - timedelta(days=days_ago),
                               basis=basis, merged_into_id=target.pk if target else None,
                               delegated_to_code=extra.get("delegated_to"))
            changes += 1
        drafts = 0
        if admin is not None:
            spec, problems = parse_catalog_dict({"format": "onewindow-catalog/1", "items": [RETURNING], "bundles": []})
            if problems:
                raise ValueError(problems)
            report = catalog_import(spec=spec, actor=admin, change_note="演示：林木种子生产经营改为备案管理")
            drafts += len(report.drafted)
            marriage = ServiceItem.objects.filter(region__code=COUNTY, current_version__name="结婚登记").first()
            if marriage is not None and pending_draft(marriage) is None:
                item_draft_version(item_id=marriage.pk, actor=admin, change_note="演示：周六上午增设预约办理",
                                   changes={"hours": "工作日 上午9:00-12:00，下午13:30-17:30；周六上午预约办理"})
                drafts += 1
    return f"事项精简：新记录{changes}项；待法制审核草稿新增{drafts}个"
