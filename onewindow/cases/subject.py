"""The case as the lifecycle kernel's first record type: its title and link for warning lists,
the columns a warning about it fills, and its chain verification for ``verify_history``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.anchors import anchor_table
from onewindow.lifecycle.registry import ChainReport, Described, SubjectType, register_subject

from .deadlines import SUBJECT
from .history import verify_case
from .models import Case, CaseEvent


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number, warning_fields={"case_id": pk, "window_id": window_id})
            for pk, number, window_id in Case.objects.filter(id__any=ids).values_list("id", "number", "window_id")}


def _verify(label: str | None) -> Iterator[ChainReport]:
    cases = Case.objects.order_by("id")
    if label is not None:
        cases = cases.filter(number=label)
    for case in cases.iterator(chunk_size=500):
        yield ChainReport(SUBJECT, case.number, verify_case(case).breaks)


def register() -> None:
    anchor_table(CaseEvent)  # not a ChainedEvent subclass: named, so the daily anchors cover it
    register_subject(SubjectType(key=SUBJECT, noun="办件", describe=_describe, verify=_verify,
                                 url=lambda _pk, d: reverse("workbench:case", args=[d.title])))
