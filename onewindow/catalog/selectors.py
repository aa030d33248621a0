"""Reads of the catalog."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from onewindow.organization.models import Department

from .models import ServiceItem


def published_items() -> QuerySet[ServiceItem]:
    """Active items that have a published version, with it joined."""
    return (ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
            .select_related("current_version", "department", "region"))


def public_departments() -> list[Department]:
    """Stationed departments with their published items (``dept.public_items``), in hall order."""
    items = published_items().order_by("implementation_code")
    return list(
        Department.objects.filter(is_stationed=True, items__in=items).distinct()
        .select_related("region").order_by("region__code", "order", "code")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="public_items"))
    )
