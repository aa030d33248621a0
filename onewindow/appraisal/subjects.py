"""Campaigns, exposures and commitments as record types of the lifecycle kernel: their chained
histories (``verify_history`` covers them) and their titles."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from onewindow.lifecycle.registry import ChainReport, Described, SubjectType, register_subject
from onewindow.lifecycle.selectors import verify_events

from .models import Campaign, CampaignEvent, Commitment, CommitmentEvent, Exposure, ExposureEvent

CAMPAIGN_SUBJECT = "appraisal_campaign"
EXPOSURE_SUBJECT = "exposure"
COMMITMENT_SUBJECT = "commitment"


def _describer(model: Any, text: str) -> Any:
    def describe(ids: Sequence[int]) -> dict[int, Described]:
        return {pk: Described(title=f"{number}（{title}）"[:120]) for pk, number, title in
                model.objects.filter(id__in=list(ids)).values_list("id", "number", text)}

    return describe


def _verifier(model: Any, events: Any, fk: str, key: str) -> Any:
    def verify(label: str | None) -> Iterator[ChainReport]:
        records = model.objects.order_by("id")
        if label is not None:
            records = records.filter(number=label)
        for record in records.iterator(chunk_size=500):
            chain = events.objects.filter(**{fk: record}).order_by("seq")
            yield ChainReport(key, record.number, verify_events(chain, record.number))

    return verify


def register() -> None:
    register_subject(SubjectType(key=CAMPAIGN_SUBJECT, noun="民主评议", describe=_describer(Campaign, "title"),
                                 verify=_verifier(Campaign, CampaignEvent, "campaign", CAMPAIGN_SUBJECT)))
    register_subject(SubjectType(key=EXPOSURE_SUBJECT, noun="曝光", describe=_describer(Exposure, "title"),
                                 verify=_verifier(Exposure, ExposureEvent, "exposure", EXPOSURE_SUBJECT)))
    register_subject(SubjectType(key=COMMITMENT_SUBJECT, noun="服务承诺", describe=_describer(Commitment, "content"),
                                 verify=_verifier(Commitment, CommitmentEvent, "commitment", COMMITMENT_SUBJECT)))
