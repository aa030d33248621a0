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
