"""Notices and certificates word the decision as the item's type does."""

from __future__ import annotations

import pytest

from onewindow.documents import services as s
from tests.cases.helpers import granted_case as granted
from tests.cases.helpers import last_event

pytestmark = pytest.mark.django_db


def test_a_confirmation_is_decided_as_such_and_its_certificate_says_so(hall):
    version = hall.item.current_version
    version.item_type = "confirmation"
    version.save(update_fields=["item_type"])
    case = granted(hall)
    notice = s.document_issue(case=case, event=last_event(case), kind="decision_notice")
    assert notice.content["title"] == "予以确认决定书"
    assert notice.content["decision"] == "予以确认"
    certificate = s.certificate_issue(case=case, event=last_event(case))
    assert certificate.content["item_label"] == "确认事项"
