"""The sample catalog's file and item codes, and small checks the catalog tests share."""

from __future__ import annotations

from pathlib import Path

from onewindow.catalog.models import Bundle, BundleItem, Material, ServiceItem, ServiceItemVersion, Stage
from onewindow.catalog.spec import parse_catalog_dict

SAMPLE = Path(__file__).with_name("sample_catalog.yaml")
MARRIAGE = "11990121MB0000001X3000101001"
FOOD = "11990121MB0000002X3000102002"
HYGIENE = "11990121MB0000003X3000103003"


def spec_of(data):
    spec, problems = parse_catalog_dict(data)
    assert problems == []
    return spec


def snapshot() -> tuple[int, ...]:
    """Row counts of every catalog table: unchanged counts, unchanged database."""
    return tuple(m.objects.count() for m in (ServiceItem, ServiceItemVersion, Material, Stage, Bundle, BundleItem))


def wipe_catalog() -> None:
    """Delete every catalog row, leaving the organization: a fresh catalog database."""
    BundleItem.objects.all().delete()
    Bundle.objects.all().delete()
    ServiceItem.objects.update(current_version=None)
    ServiceItem.objects.all().delete()


def review_and_publish(version, *, reviewer, publisher, opinion: str = "合法，同意发布", acknowledged=()):
    """Approve a draft's legal review and publish it; the published version."""
    from onewindow.catalog.review_services import version_publish, version_review

    version_review(version_id=version.pk, actor=reviewer, approve=True, opinion=opinion,
                   acknowledged_item_ids=acknowledged)
    return version_publish(version_id=version.pk, actor=publisher)
