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
from .models import (
    DisclosureRequest,
    DisclosureRequestEvent,
    EnforcementInspection,
    EnforcementOfficer,
    Fund,
    FundEvent,
    InspectionEvent,
    MajorPenalty,
    OfficerEvent,
    PenaltyEvent,
)


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


def _describe_publication(ids: Sequence[int]) -> dict[int, Described]:
    from .models import Publication

    return {pk: Described(title=f"{number}（{title}）", warning_fields={})
            for pk, number, title in Publication.objects.filter(id__in=list(ids)).values_list("id", "number", "title")}


def _verify_publication(label: str | None) -> Iterator[ChainReport]:
    from .models import Publication, PublicationEvent

    pubs = Publication.objects.order_by("id")
    if label is not None:
        pubs = pubs.filter(number=label)
    for pub in pubs.iterator(chunk_size=500):
        events = PublicationEvent.objects.filter(publication=pub).order_by("seq")
        yield ChainReport("publication", pub.number, verify_events(events, pub.number))


def register_publications() -> None:
    register_subject(SubjectType(
        key="publication", noun="公示", describe=_describe_publication, verify=_verify_publication,
        url=lambda pk, _d: reverse("openness:staff_publication", args=[pk])))


def _describe_topic(ids: Sequence[int]) -> dict[int, Described]:
    from .models import Topic

    return {pk: Described(title=f"{number}（{title}）", warning_fields={})
            for pk, number, title in Topic.objects.filter(id__in=list(ids)).values_list("id", "number", "title")}


def _verify_topic(label: str | None) -> Iterator[ChainReport]:
    from .models import Topic, TopicEvent

    topics = Topic.objects.order_by("id")
    if label is not None:
        topics = topics.filter(number=label)
    for topic in topics.iterator(chunk_size=500):
        events = TopicEvent.objects.filter(topic=topic).order_by("seq")
        yield ChainReport("topic", topic.number, verify_events(events, topic.number))


def register_topics() -> None:
    register_subject(SubjectType(key="topic", noun="点题", describe=_describe_topic, verify=_verify_topic,
                                 url=lambda _pk, _d: reverse("openness:staff_topics")))


def _chains(subject_type: str, model: type, event_model: type, owner: str, label_field: str,
            label: str | None) -> Iterator[ChainReport]:
    records = model.objects.order_by("id")
    if label is not None:
        records = records.filter(**{label_field: label})
    for record in records.iterator(chunk_size=500):
        title = getattr(record, label_field)
        events = event_model.objects.filter(**{owner: record}).order_by("seq")
        yield ChainReport(subject_type, title, verify_events(events, title))


def register_enforcement() -> None:
    """Enforcement records: a major penalty's filing deadline raises the generic ``deadline_overdue``
    warning; officers and inspections have chains to verify."""
    def describe_penalty(ids: Sequence[int]) -> dict[int, Described]:
        rows = MajorPenalty.objects.filter(id__in=list(ids)).values_list("id", "number", "decision_number")
        return {pk: Described(title=f"{number}（{decision}）", warning_fields={}) for pk, number, decision in rows}

    register_subject(SubjectType(
        key="major_penalty", noun="重大行政处罚备案", describe=describe_penalty,
        verify=lambda label: _chains("major_penalty", MajorPenalty, PenaltyEvent, "penalty", "number", label),
        url=lambda _pk, _d: reverse("openness:staff_penalties")))
    register_subject(SubjectType(
        key="enforcement_officer", noun="行政执法人员",
        describe=lambda ids: {pk: Described(title=n) for pk, n in EnforcementOfficer.objects.filter(
            id__in=list(ids)).values_list("id", "certificate_number")},
        verify=lambda label: _chains("enforcement_officer", EnforcementOfficer, OfficerEvent, "officer",
                                     "certificate_number", label),
        url=lambda _pk, _d: reverse("openness:staff_officers")))
    register_subject(SubjectType(
        key="enforcement_inspection", noun="行政检查",
        describe=lambda ids: {pk: Described(title=n) for pk, n in EnforcementInspection.objects.filter(
            id__in=list(ids)).values_list("id", "number")},
        verify=lambda label: _chains("enforcement_inspection", EnforcementInspection, InspectionEvent, "inspection",
                                     "number", label),
        url=lambda _pk, _d: reverse("openness:staff_inspections")))


def register_funds() -> None:
    """Funds: the payment deadline row (the earliest unpaid entry's due day) raises the generic
    ``deadline_overdue`` warning; the fund's history is a chain."""
    register_subject(SubjectType(
        key="fund", noun="惠民资金",
        describe=lambda ids: {pk: Described(title=f"{code}（{name}）") for pk, code, name in Fund.objects.filter(
            id__in=list(ids)).values_list("id", "code", "name")},
        verify=lambda label: _chains("fund", Fund, FundEvent, "fund", "code", label),
        # The title starts with the fund's code: the page's address needs no query of its own.
        url=lambda _pk, d: reverse("openness:staff_fund", args=[d.title.partition("（")[0]])))
