"""The supervision order (督办单) as a record type of the lifecycle kernel: its reply deadline as a
deadline row, its hash-chained history, its title and link. Registered in ``apps.ready``; the
sweep, the warning pages and ``verify_history`` know it only through the kernel's registry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.urls import reverse

from onewindow.lifecycle.deadlines import DeadlineSpec, Kind
from onewindow.lifecycle.registry import ChainReport, DeadlineRules, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import SupervisionOrder, SupervisionOrderEvent
from .rules import Code, OrderState

ORDER_SUBJECT = "order"

_AWAITING = frozenset({OrderState.ISSUED, OrderState.RETURNED})
_CLOSED_REASON = {OrderState.REPLIED: "督办单已回复", OrderState.CLOSED: "督办单已销号"}


def order_deadline(order: SupervisionOrder) -> DeadlineSpec:
    """The order's reply deadline as it stands: running while a reply is awaited."""
    spec = DeadlineSpec(kind=Kind.REPLY, due_on=order.reply_due, department_id=order.department_id,
                        title="回复期限")
    if order.state in _AWAITING:
        return spec
    return spec.closed(_CLOSED_REASON.get(OrderState(order.state), "督办单已回复"))


def _describe(ids: Sequence[int]) -> dict[int, Described]:
    return {pk: Described(title=f"{number}（{subject}）", warning_fields={"order_id": pk})
            for pk, number, subject in SupervisionOrder.objects.filter(id__in=list(ids))
            .values_list("id", "number", "subject")}


def _verify(label: str | None) -> Iterator[ChainReport]:
    orders = SupervisionOrder.objects.order_by("id")
    if label is not None:
        orders = orders.filter(number=label)
    for order in orders.iterator(chunk_size=500):
        events = SupervisionOrderEvent.objects.filter(order=order).order_by("seq")
        yield ChainReport(ORDER_SUBJECT, order.number, verify_events(events, order.number))


def register() -> None:
    register_subject(SubjectType(
        key=ORDER_SUBJECT, noun="督办单", describe=_describe, verify=_verify,
        url=lambda pk, _d: reverse("workbench:supervision:order", args=[pk]),
        deadline_rules={Kind.REPLY: DeadlineRules(overdue=Code.ORDER_REPLY_OVERDUE)}))
