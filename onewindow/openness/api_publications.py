"""Public API of publicity: ``GET /publications``, what is or was published, with its comment
period and the objections' answers (no names or contacts)."""

# No ``from __future__ import annotations``: django-ninja reads these annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from onewindow.api.pagination import BoundedLimitOffset
from onewindow.api.schemas import ErrorOut

from . import publication_selectors as sel
from .publication_rules import KIND_LABELS, STATE_LABELS, Kind, State

router = Router(tags=["公示"])


class PublicationOut(Schema):
    number: str
    title: str
    kind: str
    kind_label: str
    department: str
    state: str
    state_label: str
    published_on: str | None
    comment_ends: str | None = Field(description="公示期最后一日")
    body: str
    objections: int = Field(description="公示期内收到的异议数")
    answered: int = Field(description="已答复的异议数")


class PublicationQuery(Schema):
    kind: str = Field("", pattern=r"^(permanent|quarterly|ad_hoc)?$", description="permanent、quarterly、ad_hoc")


@router.get("", response={200: list[PublicationOut], 400: ErrorOut, 422: ErrorOut}, summary="Publications")
@paginate(BoundedLimitOffset)
def publications(request: HttpRequest, q: Query[PublicationQuery]) -> Any:
    """Published publications (in their comment period or finished), newest first."""
    return [{"number": p.number, "title": p.title, "kind": p.kind, "kind_label": KIND_LABELS[Kind(p.kind)],
             "department": p.department.name, "state": p.state, "state_label": STATE_LABELS[State(p.state)],
             "published_on": p.published_on.isoformat() if p.published_on else None,
             "comment_ends": p.comment_ends.isoformat() if p.comment_ends else None, "body": p.body,
             "objections": len(p.objections.all()),
             "answered": sum(1 for o in p.objections.all() if o.answered_at is not None)}
            for p in sel.public_publications(kind=q.kind).prefetch_related("objections")]
