"""Public API of publicity and the proactive disclosure catalogue: ``GET /publications``, what is or
was published, with its catalogue entry (index number, category, subject class, document number,
dates), its comment period and the objections' answers (no names or contacts)."""

# No ``from __future__ import annotations``: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from onewindow.api.pagination import BoundedLimitOffset
from onewindow.api.schemas import ErrorOut

from . import publication_selectors as sel
from .catalogue_rules import CATEGORY_LABELS, SUBJECTS, Category
from .publication_rules import KIND_LABELS, STATE_LABELS, Kind, State

router = Router(tags=["公示"])


class PublicationOut(Schema):
    number: str
    index_number: str = Field(description="索引号（机构代码-类别-年份-流水号）")
    title: str
    category: str
    category_label: str
    subject: str = Field(description="主题分类代码；空为未分类")
    subject_label: str
    doc_number: str = Field(description="文号")
    made_on: str | None = Field(description="形成或变更日期")
    village: str | None = Field(description="村（社区）名称（村务公开）")
    kind: str
    kind_label: str
    department: str
    state: str
    state_label: str
    published_on: str | None
    comment_ends: str | None = Field(description="公示期最后一日；不设公示期时为空")
    body: str
    objections: int = Field(description="公示期内收到的异议数")
    answered: int = Field(description="已答复的异议数")


_CATEGORIES = "|".join(c.value for c in Category)


class PublicationQuery(Schema):
    kind: str = Field("", pattern=r"^(permanent|quarterly|ad_hoc)?$", description="permanent、quarterly、ad_hoc")
    category: str = Field("", pattern=rf"^({_CATEGORIES})?$", description="信息类别：" + "、".join(
        f"{c.value} {label}" for c, label in CATEGORY_LABELS.items()))
    subject: str = Field("", max_length=24, description="主题分类代码")
    department: str = Field("", max_length=32, description="发布机构（部门编码）")
    year: int | None = Field(None, ge=2000, le=2100, description="发布年份")
    q: str = Field("", max_length=100, description="标题、文号或索引号中的文字")


@router.get("", response={200: list[PublicationOut], 400: ErrorOut, 422: ErrorOut},
            summary="Publications and the proactive disclosure catalogue")
@paginate(BoundedLimitOffset)
def publications(request: HttpRequest, q: Query[PublicationQuery]) -> Any:
    """Published information (the current version of each), newest first, filtered by kind, category,
    subject class, agency, year and words."""
    rows = sel.public_publications(kind=q.kind, category=q.category, subject=q.subject, department=q.department,
                                   year=q.year, q=q.q).prefetch_related("objections")
    return [{"number": p.number, "index_number": p.index_number, "title": p.title, "category": p.category,
             "category_label": CATEGORY_LABELS[Category(p.category)], "subject": p.subject,
             "subject_label": SUBJECTS.get(p.subject, ""), "doc_number": p.doc_number,
             "made_on": p.made_on.isoformat() if p.made_on else None,
             "village": p.village.name if p.village else None,
             "kind": p.kind, "kind_label": KIND_LABELS[Kind(p.kind)],
             "department": p.department.name, "state": p.state, "state_label": STATE_LABELS[State(p.state)],
             "published_on": p.published_on.isoformat() if p.published_on else None,
             "comment_ends": p.comment_ends.isoformat() if p.comment_ends else None, "body": p.body,
             "objections": len(p.objections.all()),
             "answered": sum(1 for o in p.objections.all() if o.answered_at is not None)}
            for p in rows]
