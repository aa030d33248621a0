"""Calendar API (DESIGN.md §5): ``GET /api/v1/calendar/deadline``.

Public, like the service guides: anyone may ask when N working days after a date fall. Inputs
are read as text and checked here, so every bad input gets the project's error shape with a
Chinese message and the field at fault, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onewindow.api.schemas import ErrorOut
from onewindow.core.errors import DomainError

from . import selectors
from .deadline import DeadlineInputError, answer, parse_start, parse_workdays

router = Router(tags=["calendar"])


class ExplanationText(Schema):
    zh: list[str]
    en: list[str]


class DeadlineOut(Schema):
    due: str
    provisional: bool
    calendar_version: int
    explanation: list[dict[str, Any]]
    text: ExplanationText


@router.get("/deadline", response={200: DeadlineOut, 400: ErrorOut, 404: ErrorOut}, auth=None,
            summary="Due date of N working days after a start date")
def deadline(request: HttpRequest, start: str = "", workdays: str = "", region: str | None = None) -> Any:
    """The n-th working day strictly after ``start`` (the start day is not counted; §4 rule 2) on the
    calendar of ``region`` (a 12-digit code; national when omitted), whether the result is
    provisional (it reaches a year whose holidays are not published yet), the calendar version
    used, and the explanation: date-ordered parts (``start``, ``counted`` runs, skipped ``weekend``
    and ``holiday`` runs, counted ``makeup_workday`` days, ``due``, ``provisional``) and the same
    reasoning as lines of text in Chinese and English.

    Errors: 400 ``invalid_date`` / ``invalid_workdays`` / ``date_out_of_range`` /
    ``result_out_of_range``; 404 ``region.not_found``.
    """
    try:
        day = parse_start(start)
        n = parse_workdays(workdays)
        snapshot = selectors.snapshot_for(region or None)
        return answer(snapshot, day, n).as_dict()
    except DeadlineInputError as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from None
