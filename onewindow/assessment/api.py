"""Assessment API: period assessments with ranked scores and line items (with evidence), and
objections to a line item. Staff only; visible to the region's administrators, supervisors and
department heads (首席代表)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.idempotency import run_idempotent
from onewindow.api.schemas import ErrorOut
from onewindow.core.bounds import DbInt
from onewindow.core.errors import NotFound

from . import selectors as sel
from . import services
from .models import Assessment, LineItem, Objection
from .rules import GRADE_LABELS, SubjectKind, parse_period

router = Router(tags=["assessment"], auth=staff_auth)


class EvidenceOut(Schema):
    label: str
    url: str


class ObjectionOut(Schema):
    id: int
    line_id: int
    state: str
    reason: str
    raised_by: str
    decision_reason: str


class LineOut(Schema):
    id: int
    item: str
    label: str
    count: int
    points: Decimal
    amount: Decimal
    struck: bool
    sample: int | None = Field(None, description="the subject's sample when the item sets a minimum")
    below_sample: bool = Field(False, description="样本不足: below the item's minimum sample, counts 0")
    evidence: list[EvidenceOut]
    objections: list[ObjectionOut]


class ScoreOut(Schema):
    subject_id: int
    subject: str
    rank: int
    total: Decimal
    grade: str
    grade_label: str
    below_sample: bool = Field(False, description="a small subject: not compared for awards or the bottom list")
    corrected_total: Decimal | None = Field(None, description="the total after the latest correction, if any")
    lines: list[LineOut]


class AwardOut(Schema):
    kind: str = Field(description="rotating_flag, model_window, model_staff, advanced_unit or bottom")
    label: str
    subject_id: int
    subject: str
    rank: int
    total: Decimal


class CorrectionOut(Schema):
    number: int
    subject_id: int
    subject: str
    line_id: int | None
    item: str | None
    count: int
    amount: Decimal
    previous_total: Decimal
    total: Decimal
    grade: str
    reason: str
    corrected_at: Any


class AssessmentOut(Schema):
    id: int
    region: str
    period: str
    subject_kind: str
    state: str
    scheme: str
    objection_due: date
    published_at: Any = None


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]
    awards: list[AwardOut] = Field(description="published: as decided at publication; a draft: as its ranking would give them now")
    corrections: list[CorrectionOut] = Field(description="corrections made after publication (the published scores never change)")


class AssessmentPage(Schema):
    count: int
    results: list[AssessmentOut]


class AssessmentFilterIn(Schema):
    period: str | None = Field(None, description="2026-11, 2026-Q4 or 2026")
    subject: SubjectKind | None = Field(None, description="window, staff, department or township")


class ObjectionIn(Schema):
    line_id: DbInt
    reason: str = Field(..., max_length=2000)


def _objection(o: Objection) -> ObjectionOut:
    return ObjectionOut(id=o.pk, line_id=o.line_id, state=o.state, reason=o.reason, raised_by=o.raised_by.name,
                        decision_reason=o.decision_reason)


def _line(line: LineItem) -> LineOut:
    return LineOut(id=line.pk, item=line.item.code, label=line.item.label, count=line.count, points=line.points,
                   amount=line.amount, struck=line.struck, sample=line.sample, below_sample=line.below_sample,
                   evidence=[EvidenceOut(label=e.get("label", ""), url=e.get("url", "")) for e in line.evidence],
                   objections=[_objection(o) for o in line.objections.all()])


def _assessment(a: Assessment) -> dict[str, Any]:
    return {"id": a.pk, "region": a.region.code, "period": a.period, "subject_kind": a.subject_kind,
            "state": a.state, "scheme": str(a.scheme), "objection_due": a.objection_due,
            "published_at": a.published_at}


@router.get("/assessments", response=AssessmentPage, summary="Period assessments")
def assessments(request: HttpRequest, q: Query[AssessmentFilterIn]) -> AssessmentPage:
    """The assessments the caller may see, newest period first; filter by ``period`` and ``subject``."""
    qs = sel.assessments_for(request_staff(request))
    if q.period:
        parse_period(q.period)  # 400 period_invalid on a malformed period
        qs = qs.filter(period=q.period)
    if q.subject:
        qs = qs.filter(subject_kind=q.subject.value)
    rows = list(qs[:200])
    return AssessmentPage(count=len(rows), results=[AssessmentOut(**_assessment(a)) for a in rows])


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, 404: ErrorOut},
            summary="One assessment with ranked scores, line items and evidence")
def assessment(request: HttpRequest, assessment_id: DbInt) -> AssessmentDetailOut:
    a = sel.assessment_for(request_staff(request), assessment_id)
    scores = [ScoreOut(subject_id=r.score.subject_id, subject=r.score.subject_name, rank=r.rank, total=r.score.total,
                       grade=r.score.grade, grade_label=GRADE_LABELS[r.score.grade], below_sample=r.below_sample,
                       corrected_total=r.correction.total if r.correction else None,
                       lines=[_line(line) for line in r.lines]) for r in sel.ranked_scores(a)]
    awards = [AwardOut(kind=w.kind, label=w.label, subject_id=w.subject_id, subject=w.subject_name, rank=w.rank,
                       total=w.total) for w in sel.awards_of(a)]
    corrections = [CorrectionOut(number=c.number, subject_id=c.score.subject_id, subject=c.score.subject_name,
                                 line_id=c.line_id, item=c.item.code if c.item else None, count=c.count,
                                 amount=c.amount, previous_total=c.previous_total, total=c.total, grade=c.grade,
                                 reason=c.reason, corrected_at=c.corrected_at)
                   for c in a.corrections.select_related("score", "item").order_by("number")]
    return AssessmentDetailOut(**_assessment(a), scores=scores, awards=awards, corrections=corrections)


@router.post("/assessments/{assessment_id}/objections",
             response={201: ObjectionOut, 404: ErrorOut, 409: ErrorOut},
             summary="Object to a line item (the subject's department head, before the deadline)",
             description="Refused after the objection deadline (`objection_after_deadline`), from outside the "
                         "subject's department heads (403 `objection_outside_department`), on a published "
                         "assessment (409 `assessment_published`) or a line with a pending objection (409).")
def object_to_line(request: HttpRequest, assessment_id: DbInt, payload: ObjectionIn) -> Any:
    staff = request_staff(request)
    a = sel.assessment_for(staff, assessment_id)
    if not LineItem.objects.filter(pk=payload.line_id, score__assessment=a).exists():
        raise NotFound("考核明细不存在", code="line_not_found", field="line_id")

    def work() -> tuple[int, Any]:
        o = services.objection_raise(by=staff, line_id=payload.line_id, reason=payload.reason)
        return 201, _objection(Objection.objects.select_related("raised_by").get(pk=o.pk)).dict()

    return run_idempotent(request, work)
