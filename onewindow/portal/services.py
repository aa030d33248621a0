"""Writes of the portal: the log of searches that found nothing, and search synonyms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from onewindow.core.errors import DomainError, NotFound
from onewindow.core.timesource import now
from onewindow.organization.models import Region, Staff
from onewindow.organization.permissions import Action, require

from .models import SearchLog, Synonym
from .search import clean_synonym, mask_personal_numbers, normalize

LOG_TEXT_MAX = 200


def search_log_record(*, query: str, region: Region | None = None, at: datetime | None = None) -> SearchLog | None:
    """Count one search that found nothing: a new row the first time, ``count + 1`` after.

    Long digit runs are masked first (people type ID and phone numbers into search boxes); a
    query with nothing left to match is not logged. Safe under concurrency: the unique indexes
    make a second creator fall back to the update.
    """
    text = mask_personal_numbers(query.strip())[:LOG_TEXT_MAX]
    normalized = normalize(text)[:LOG_TEXT_MAX]
    if not normalized:
        return None
    at = at or now()
    rows = SearchLog.objects.filter(normalized=normalized, region=region)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1, last_seen=at, query=text):
            try:
                with transaction.atomic():  # a savepoint: a concurrent insert must not spoil the outer one
                    return SearchLog.objects.create(query=text, normalized=normalized, region=region,
                                                    first_seen=at, last_seen=at)
            except IntegrityError:
                rows.update(count=F("count") + 1, last_seen=at, query=text)
    return rows.get()


def synonym_save(*, synonym_id: int | None, region_code: str, term: str, words: Sequence[str],
                 actor: Staff | None) -> Synonym:
    """Create or change a synonym of a region. ``actor`` None is the system (a superuser in the
    admin); anyone else needs the right to edit the catalog there."""
    try:
        term, clean_words = clean_synonym(term, words)
    except ValueError as exc:
        message, code = exc.args
        raise DomainError(code, message, field="term" if code.startswith("synonym.term") else "words") from None
    with transaction.atomic():
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise NotFound(f"未找到区划“{region_code}”", code="region.not_found", field="region")
        if actor is not None:
            require(actor, Action.CATALOG_EDIT, region=region)
        synonym = Synonym(region=region)
        if synonym_id is not None:
            synonym = Synonym.objects.select_for_update().select_related("region").filter(pk=synonym_id).first()
            if synonym is None:
                raise NotFound("未找到该同义词", code="synonym.not_found", field="synonym_id")
            if actor is not None and synonym.region_id != region.pk:
                require(actor, Action.CATALOG_EDIT, region=synonym.region)
        if Synonym.objects.filter(region=region, term=term).exclude(pk=synonym_id).exists():
            raise DomainError("synonym.duplicate", f"{region.name}已有词条“{term}”", field="term")
        if synonym.pk and (synonym.region_id, synonym.term, synonym.words) == (region.pk, term, clean_words):
            return synonym
        synonym.region, synonym.term, synonym.words = region, term, clean_words
        synonym.save()
    return synonym
