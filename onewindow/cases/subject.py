"""The case as the lifecycle kernel's first record type: its title and link for warning lists,
the columns a warning about it fills, and its chain verification for ``verify_history``; and the
bundle application (一件事申请), the parent of several cases, as another."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.anchors import anchor_table
from onewindow.lifecycle.chain import ChainBreak
from onewindow.lifecycle.registry import ChainReport, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .bundle_sync import SUBJECT as BUNDLE_SUBJECT
from .deadlines import SUBJECT
from .history import verify_case
from .models import BundleApplication, BundleApplicationEvent, Case, CaseEvent


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number, warning_fields={"case_id": pk, "window_id": window_id})
            for pk, number, window_id in Case.objects.filter(id__any=ids).values_list("id", "number", "window_id")}


def _verify(label: str | None) -> Iterator[ChainReport]:
    cases = Case.objects.order_by("id")
    if label is not None:
        cases = cases.filter(number=label)
    for case in cases.iterator(chunk_size=500):
        yield ChainReport(SUBJECT, case.number, verify_case(case).breaks)


def _describe_bundles(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number)
            for pk, number in BundleApplication.objects.filter(id__in=list(ids)).values_list("id", "number")}


def _verify_bundles(label: str | None) -> Iterator[ChainReport]:
    """Each application's chain, and its row against its last event: the status every event
    records (a status changed without an event is a record mismatch, 办记不符)."""
    applications = BundleApplication.objects.order_by("id")
    if label is not None:
        applications = applications.filter(number=label)
    for app in applications.iterator(chunk_size=500):
        events = list(BundleApplicationEvent.objects.filter(application=app).order_by("seq"))
        breaks = verify_events(events, app.number)
        if events and (events[-1].payload.get("status") != app.status or events[-1].seq != app.row_version):
            breaks.append(ChainBreak(events[-1].seq, "record_mismatch",
                                     f"一件事申请的状态为 {app.status!r}，事件链记载为 "
                                     f"{events[-1].payload.get('status')!r}（办记不符）"))
        yield ChainReport(BUNDLE_SUBJECT, app.number, breaks)


def register() -> None:
    anchor_table(CaseEvent)  # not a ChainedEvent subclass: named, so the daily anchors cover it
    register_subject(SubjectType(key=SUBJECT, noun="办件", describe=_describe, verify=_verify,
                                 url=lambda _pk, d: reverse("workbench:case", args=[d.title])))
    register_subject(SubjectType(key=BUNDLE_SUBJECT, noun="一件事申请", describe=_describe_bundles,
                                 verify=_verify_bundles,
                                 url=lambda _pk, d: reverse("workbench:bundle", args=[d.title])))
