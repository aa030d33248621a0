"""The materials a case holds and still owes, read from its history, and the checks the actions
make of them (行政许可法 第三十二条: accept only when the materials are complete).

The rules are pure (``rules.outstanding_materials``); this module feeds them the case's events and
its item version's material terms (kept per process), so a transition asks no extra query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from onewindow.catalog.rules import MaterialProvision, MaterialTerms
from onewindow.catalog.selectors import version_parts
from onewindow.core.errors import DomainError

from .history import events_of
from .models import Case, CaseEvent
from .rules import Outstanding, materials_on_record, outstanding_materials

MATERIALS_MISSING = "case.accept.materials_missing"
MATERIALS_OWED = "case.conclude_instant.materials_owed"
NOT_FROM_APPLICANT = "supplement.material_not_from_applicant"


def terms_of(case: Case) -> tuple[MaterialTerms, ...]:
    """The material terms of the case's item version."""
    return version_parts(case.item_version_id).material_terms


def outstanding_of(case: Case, events: Iterable[CaseEvent] | None = None) -> Outstanding:
    """The required materials the applicant still owes, from ``events`` (default: the case's
    history, the transition's own list when one holds the case)."""
    history = events_of(case) if events is None else events
    return outstanding_materials(terms_of(case), materials_on_record(history))


def missing_message(names: Sequence[str]) -> str:
    """Why the case cannot be accepted, in the clerk's words."""
    return f"缺少必要材料：{'、'.join(names)}，请一次性告知补正（行政许可法第三十二条）"


def acceptance_record(case: Case) -> dict[str, Any]:
    """What the ``accepted`` event records of the materials: the deferred ones (容缺受理), if any.
    (Whether the case may be accepted at all is the guards' question: ``guards.acceptance_refusal``.)"""
    owed = outstanding_of(case)
    return {"deferred_materials": list(owed.deferred)} if owed.deferred else {}


def check_supplement_request(case: Case, names: Sequence[str]) -> None:
    """A supplement notice asks only for what the applicant hands in: a material the department
    obtains itself (电子证照库共享获取) is never the applicant's to supplement."""
    obtained = {t.name: t.provision for t in terms_of(case) if not t.from_applicant}
    for name in names:
        if name in obtained:
            raise DomainError(NOT_FROM_APPLICANT, f"“{name}”{how_obtained(obtained[name])}，申请人无需提交，不能要求补正",
                              field="materials")


def how_obtained(provision: str) -> str:
    """How the department obtains a material the applicant need not hand in."""
    return "由部门自行获取" if provision == MaterialProvision.DEPARTMENT else "通过电子证照库共享获取"
