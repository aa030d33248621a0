"""The bill (缴款通知书) as a record type of the lifecycle kernel: its title and link, and its
hash-chained history for ``verify_history``. Registered in ``apps.ready``; supervision knows it
only through the kernel's registry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.registry import ChainReport, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import Bill, BillEvent

BILL_SUBJECT = "bill"


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{case}）")
            for pk, number, case in Bill.objects.filter(id__in=list(ids)).values_list("id", "number", "case__number")}


def _verify(label: str | None) -> Iterator[ChainReport]:
    bills = Bill.objects.order_by("id")
    if label is not None:
        bills = bills.filter(number=label)
    for bill in bills.iterator(chunk_size=500):
        events = BillEvent.objects.filter(bill=bill).order_by("seq")
        yield ChainReport(BILL_SUBJECT, bill.number, verify_events(events, bill.number))


def register() -> None:
    register_subject(SubjectType(key=BILL_SUBJECT, noun="缴款通知书", describe=_describe, verify=_verify,
                                 url=lambda pk, _d: reverse("fees:bill", args=[pk])))
