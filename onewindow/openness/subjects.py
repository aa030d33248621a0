"""The disclosure request as a record type of the lifecycle kernel: its title and link for the
warning pages, its chains for ``verify_history``. Registered in ``apps.ready``; the supervision
sweep knows it only through the kernel's registry (its reply deadline rows raise the generic
``deadline_overdue`` warning once the Art. 33 date has passed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.registry import ChainReport, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .clock import SUBJECT
from .models import DisclosureRequest, DisclosureRequestEvent


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=number, warning_fields={})
            for pk, number in DisclosureRequest.objects.filter(id__in=list(ids)).values_list("id", "number")}


def _verify(label: str | None) -> Iterator[ChainReport]:
    requests = DisclosureRequest.objects.order_by("id")
    if label is not None:
        requests = requests.filter(number=label)
    for req in requests.iterator(chunk_size=500):
        events = DisclosureRequestEvent.objects.filter(request=req).order_by("seq")
        yield ChainReport(SUBJECT, req.number, verify_events(events, req.number))


def register() -> None:
    register_subject(SubjectType(
        key=SUBJECT, noun="政府信息公开申请", describe=_describe, verify=_verify,
        url=lambda _pk, d: reverse("openness:staff_request", args=[d.title])))
