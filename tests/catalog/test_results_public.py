"""Whether an item's results are published (办件公示) is set from its type and name on import."""

from __future__ import annotations

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import catalog_import_file
from tests.catalog.helpers import FOOD, MARRIAGE, SAMPLE

pytestmark = pytest.mark.django_db


def test_import_does_not_publish_a_marriage_registration(catalog_org):
    catalog_import_file(path=SAMPLE, actor=None)
    assert ServiceItem.objects.get(implementation_code=MARRIAGE).results_public is False
    assert ServiceItem.objects.get(implementation_code=FOOD).results_public is True
