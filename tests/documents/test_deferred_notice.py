"""容缺受理: the acceptance notice of a case accepted with a material owed names it, and does not
say the materials are complete."""

from __future__ import annotations

import pytest

from onewindow.cases import services as case_services
from onewindow.catalog.models import Material
from onewindow.documents import services as s
from tests.cases.helpers import at, last_event, submit
from tests.documents.helpers import pdf_text, stored

pytestmark = pytest.mark.django_db


def test_a_notice_of_acceptance_with_a_deferred_material_names_what_is_owed(hall, settings):
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(deferrable=True)
    case = case_services.case_accept(case_id=submit(hall, missing=("营业执照副本",)).id, actor=hall.clerk,
                                     at=at(2026, 9, 29))
    document = s.document_render(document_id=case.documents.get(kind="acceptance_notice").id)
    assert document.event_seq == last_event(case).seq
    text = pdf_text(stored(document, settings))
    assert "容缺受理" in text
    assert "尚需补交" in text
    assert "营业执照副本" in text
    assert "申请材料齐全、符合法定形式，本机关决定予以受理" not in text
