"""Ratings API under /api/v1/ratings: a citizen rates (no staff login: the case's query code, the
signed link, or the applicant's own session), staff read the ratings of their regions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from onewindow.api.auth import request_staff, staff_auth
from onewindow.api.schemas import ErrorOut
from onewindow.core.bounds import DB_INT_MAX, DbInt
from onewindow.core.errors import DomainError

from . import rules as r
from . import services as svc
from .models import Rating, RatingFollowUp
from .permissions import visible_q
from .throttle import rating_limited

router = Router(tags=["ratings"])

MAX_LIMIT = 500


class RatingIn(Schema):
    level: str = Field(..., description="very_satisfied, satisfied, basic, dissatisfied, very_dissatisfied")
    reasons: list[str] = Field(default_factory=list, description="不满意原因代码（差评至少一项）")
    comment: str = Field("", max_length=500)
    channel: str = Field(..., description="online（申请人账户）, progress（办件编号+查询码）, sms / pad（token）")
    case_number: str | None = Field(None, max_length=32)
    query_code: str | None = Field(None, max_length=16)
    token: str | None = Field(None, max_length=400)


class FeedbackFollowUpIn(Schema):
    comment: str = Field(..., max_length=500, description="追评内容")
    level: str | None = Field(None, description="可选：追评时的评价等级（不改原评价）")
    channel: str = Field(..., description="online（申请人账户）或 progress（办件编号+查询码）")
    case_number: str | None = Field(None, max_length=32)
    query_code: str | None = Field(None, max_length=16)


class FeedbackFollowUpOut(Schema):
    id: int
    rating_id: int
    level: str | None
    level_label: str
    comment: str
    channel: str
    added_at: datetime


class RatingOut(Schema):
    id: int
    level: str
    level_label: str
    reasons: list[str]
    comment: str
    channel: str
    rated_at: datetime
    case_number: str | None
    department_id: int | None
    item_id: int | None
    window_id: int | None
    staff_id: int | None
    rectification_number: str | None
    follow_up: FeedbackFollowUpOut | None = Field(None, description="追评（每条评价至多一次）")


class RatingPage(Schema):
    count: int
    results: list[RatingOut]


class RatingFilterIn(Schema):
    department: DbInt | None = None
    item: DbInt | None = None
    staff: DbInt | None = None
    level: str | None = None
    bad: bool | None = None
    channel: str | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    limit: int = 100
    offset: int = Field(0, ge=0, le=DB_INT_MAX)


def follow_up_out(follow_up: RatingFollowUp) -> FeedbackFollowUpOut:
    return FeedbackFollowUpOut(id=follow_up.pk, rating_id=follow_up.rating_id,
                             level=r.LEVEL_CODES[r.Level(follow_up.level)] if follow_up.level else None,
                             level_label=follow_up.level_label, comment=follow_up.comment, channel=follow_up.channel,
                             added_at=follow_up.added_at)


def rating_out(rating: Rating) -> RatingOut:
    try:
        rect = rating.rectification
    except ObjectDoesNotExist:
        rect = None
    try:
        follow_up = rating.follow_up
    except ObjectDoesNotExist:
        follow_up = None
    return RatingOut(id=rating.pk, level=r.LEVEL_CODES[r.Level(rating.level)], level_label=rating.level_label,
                     reasons=rating.reasons, comment=rating.comment, channel=rating.channel, rated_at=rating.rated_at,
                     case_number=rating.case.number if rating.case_id else None, department_id=rating.department_id,
                     item_id=rating.item_id, window_id=rating.window_id, staff_id=rating.staff_id,
                     rectification_number=rect.number if rect else None,
                     follow_up=follow_up_out(follow_up) if follow_up else None)


@router.post("", response={201: RatingOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
                           429: ErrorOut},
             summary="Rate a concluded case or a counter visit (好差评)")
def rate(request: HttpRequest, body: RatingIn) -> Any:
    """One rating per case (一事一评) or visit (一次一评), on the five national levels. An
    unfavourable rating names at least one reason and opens a rectification at once. Errors:
    ``rating.case_not_concluded``, ``rating.already_rated`` (409), ``rating.link_used`` (409),
    ``rating.link_expired``, ``rating.link_invalid``, ``rating.reason_required`` …; 429
    ``rate_limited`` (with ``Retry-After``) beyond ``FEEDBACK_RATING_RATE`` writes per client."""
    limited = rating_limited(request)
    if limited is not None:
        return limited
    rating = svc.rating_submit(level=body.level, reasons=body.reasons, comment=body.comment, channel=body.channel,
                               token=body.token, case_number=body.case_number, query_code=body.query_code,
                               user=getattr(request, "user", None))
    return Status(201, rating_out(rating))


@router.post("/follow-up", response={201: FeedbackFollowUpOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                     422: ErrorOut, 429: ErrorOut},
             summary="Add the one follow-up to a case's rating (追评)")
def follow_up(request: HttpRequest, body: FeedbackFollowUpIn) -> Any:
    """One follow-up per rating, by the applicant (``online``: their session; ``progress``: case
    number and query code), linked to the rating, which is never edited. Errors:
    ``rating.not_found`` (404, not rated yet), ``rating.follow_up_exists`` (409, a second one),
    ``rating.follow_up_default`` (a default rating), ``rating.follow_up_comment_required``; 429
    ``rate_limited`` as for ratings."""
    limited = rating_limited(request)
    if limited is not None:
        return limited
    made = svc.rating_follow_up(comment=body.comment, level=body.level, channel=body.channel,
                                case_number=body.case_number, query_code=body.query_code,
                                user=getattr(request, "user", None))
    return Status(201, follow_up_out(made))


@router.get("", response={200: RatingPage, 400: ErrorOut}, auth=staff_auth, summary="Ratings, filterable")
def ratings(request: HttpRequest, q: Query[RatingFilterIn]) -> Any:
    """Ratings of the caller's regions (a department posting: its departments'), newest first."""
    staff = request_staff(request)
    if not 1 <= q.limit <= MAX_LIMIT:
        raise DomainError("invalid_input", f"limit 须在 1 至 {MAX_LIMIT} 之间", field="limit")
    qs = Rating.objects.filter(visible_q(staff)).select_related("case", "rectification", "follow_up")
    if q.department is not None:
        qs = qs.filter(department_id=q.department)
    if q.item is not None:
        qs = qs.filter(item_id=q.item)
    if q.staff is not None:
        qs = qs.filter(staff_id=q.staff)
    if q.level:
        level = r.LEVEL_BY_CODE.get(q.level)
        if level is None:
            raise DomainError("rating.level_invalid", "评价等级无效", field="level")
        qs = qs.filter(level=int(level))
    if q.bad is not None:
        bad = [int(v) for v in r.BAD_LEVELS]
        qs = qs.filter(level__in=bad) if q.bad else qs.exclude(level__in=bad)
    if q.channel:
        qs = qs.filter(channel=q.channel)
    if q.from_:
        qs = qs.filter(rated_at__date__gte=q.from_)
    if q.to:
        qs = qs.filter(rated_at__date__lte=q.to)
    return Status(200, RatingPage(count=qs.count(), results=[rating_out(x) for x in qs[q.offset:q.offset + q.limit]]))
