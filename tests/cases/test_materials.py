"""Acceptance checks the materials (行政许可法 第三十二条); materials shared from the e-licence library
are never asked of the applicant; 容缺 materials may be owed at acceptance."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onewindow.cases import services as s
from onewindow.cases.history import verify_case
from onewindow.cases.materials import outstanding_of
from onewindow.cases.rules import (
    MaterialCheck,
    MaterialsOnRecord,
    materials_on_record,
    outstanding_materials,
    with_obtained_materials,
)
from onewindow.catalog.models import Material
from onewindow.catalog.rules import MaterialTerms
from onewindow.core.errors import DomainError

from .api_helpers import Api, submission
from .helpers import at

# --- the pure rule --------------------------------------------------------------------------------

TERMS = (MaterialTerms("申请书"), MaterialTerms("营业执照", provision="shared"),
         MaterialTerms("场所证明", deferrable=True), MaterialTerms("承诺书", required=False))


@dataclass
class _Event:
    kind: str
    payload: dict


def test_required_materials_not_received_are_missing_and_deferrable_ones_are_owed():
    record = materials_on_record([_Event("submitted", {"materials": [
        {"name": "申请书", "state": "missing"}, {"name": "营业执照", "state": "missing"},
        {"name": "场所证明", "state": "missing"}, {"name": "承诺书", "state": "missing"}]})])
    owed = outstanding_materials(TERMS, record)
    # the shared licence is never owed, the optional one never missing
    assert owed.missing == ("申请书",)
    assert owed.deferred == ("场所证明",)
    assert owed.blocks_acceptance


def test_a_supplement_brings_what_was_missing():
    record = materials_on_record([
        _Event("submitted", {"materials": [{"name": "申请书", "state": "missing"},
                                           {"name": "场所证明", "state": "received"}]}),
        _Event("supplement_requested", {"materials": ["申请书"]}),
        _Event("supplemented", {"materials": ["申请书"]})])
    owed = outstanding_materials(TERMS, record)
    assert owed.missing == ()
    assert owed.deferred == ()
    assert not owed.blocks_acceptance


def test_a_checklist_that_never_names_a_material_owes_it():
    assert outstanding_materials(TERMS, MaterialsOnRecord((), frozenset())).missing == ("申请书",)


def test_obtained_materials_are_recorded_as_fetched_in_the_items_order():
    checklist = [MaterialCheck("申请书", "received"), MaterialCheck("营业执照", "missing")]
    assert with_obtained_materials(checklist, TERMS) == [
        MaterialCheck("申请书", "received"), MaterialCheck("营业执照", "fetched")]
    assert with_obtained_materials([MaterialCheck("申请书", "received")], TERMS) == [
        MaterialCheck("申请书", "received"), MaterialCheck("营业执照", "fetched")]


# --- the services -------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def submit(hall, *, missing=(), item=None, when=None):
    item = item or hall.item
    names = item.current_version.materials.values_list("name", flat=True)
    return s.case_submit(actor=hall.clerk, item_code=item.implementation_code, applicant=hall.applicant(),
                         materials=[MaterialCheck(n, "missing" if n in missing else "received") for n in names],
                         window_number="01", at=when or at(2026, 9, 28))


@pytestmark_db
def test_acceptance_is_refused_while_a_required_material_is_missing(hall):
    # given a case whose two required materials were marked 缺少 at intake
    case = submit(hall, missing=("申请书", "营业执照副本"))
    # when the clerk accepts it, then the service refuses, naming both materials
    with pytest.raises(DomainError) as exc:
        s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    assert exc.value.code == "case.accept.materials_missing"
    assert exc.value.field == "materials"
    assert "申请书、营业执照副本" in exc.value.message
    assert "一次性告知补正" in exc.value.message
    case.refresh_from_db()
    assert case.status == "submitted"
    assert not case.documents.filter(kind="acceptance_notice").exists()


@pytestmark_db
def test_after_the_supplement_brings_them_the_case_is_accepted(hall):
    case = submit(hall, missing=("营业执照副本",))
    s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 29))
    s.case_supplement(case_id=case.id, actor=hall.clerk, materials=["营业执照副本"], at=at(2026, 9, 30))
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 30))
    assert case.status == "in_review"
    assert case.events.get(kind="accepted").payload == {"note": "", "handler": "clerk（工号 clerk）"}
    assert verify_case(case).ok


@pytestmark_db
def test_an_optional_material_missing_does_not_stop_acceptance(hall):
    case = s.case_accept(case_id=submit(hall, missing=("场所证明",)).id, actor=hall.clerk, at=at(2026, 9, 29))
    assert case.status == "in_review"


@pytestmark_db
def test_instant_conclusion_is_refused_while_a_required_material_is_missing(hall):
    case = submit(hall, item=hall.instant_item, missing=("申请书",))
    with pytest.raises(DomainError) as exc:
        s.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    assert exc.value.code == "case.accept.materials_missing"
    assert "申请书" in exc.value.message
    assert exc.value.field == "materials"


@pytestmark_db
def test_a_deferrable_material_may_be_owed_at_acceptance_and_the_event_records_it(hall):
    # given an item version that allows 容缺 for the business licence copy
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(deferrable=True)
    case = submit(hall, missing=("营业执照副本",))
    case = s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
    assert case.status == "in_review"
    assert case.events.get(kind="accepted").payload["deferred_materials"] == ["营业执照副本"]


@pytestmark_db
def test_an_instant_case_cannot_conclude_while_a_deferrable_material_is_owed(hall):
    Material.objects.filter(version=hall.instant_item.current_version, name="申请书").update(deferrable=True)
    case = submit(hall, item=hall.instant_item, missing=("申请书",))
    with pytest.raises(DomainError) as exc:
        s.case_conclude_instant(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 28, 11))
    assert exc.value.code == "case.conclude_instant.materials_owed"
    assert "申请书" in exc.value.message


@pytestmark_db
def test_a_shared_material_is_recorded_as_fetched_and_never_missing(hall):
    # given 营业执照副本 comes from the e-licence library (电子证照库共享获取，申请人无需提交)
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(provision="shared")
    # when the checklist (or an API client) says it is missing
    case = submit(hall, missing=("营业执照副本",))
    # then the case records it as fetched by the department, and it does not stop acceptance
    states = {m["name"]: m["state"] for m in case.events.get(kind="submitted").payload["materials"]}
    assert states["营业执照副本"] == "fetched"
    assert outstanding_of(case).owed == ()
    assert s.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29)).status == "in_review"


@pytestmark_db
def test_a_shared_material_is_never_asked_in_a_supplement_notice(hall):
    Material.objects.filter(version=hall.item.current_version, name="营业执照副本").update(provision="shared")
    case = submit(hall, missing=("申请书",))
    with pytest.raises(DomainError) as exc:
        s.case_request_supplement(case_id=case.id, actor=hall.clerk, materials=["申请书", "营业执照副本"],
                                  at=at(2026, 9, 29))
    assert exc.value.code == "supplement.material_not_from_applicant"
    assert "营业执照副本" in exc.value.message
    assert exc.value.field == "materials"


@pytestmark_db
def test_only_materials_the_department_obtains_may_be_marked_fetched(hall):
    with pytest.raises(DomainError) as exc:
        s.case_submit(actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
                      materials=[MaterialCheck("申请书", "fetched"), MaterialCheck("营业执照副本", "received")],
                      window_number="01", at=at(2026, 9, 28))
    assert exc.value.code == "material.not_obtained"


@pytestmark_db
def test_the_api_answers_a_refused_acceptance_with_the_code_and_the_materials(client, hall):

    api = Api(client, hall.clerk)
    body = submission(hall)
    body["materials"] = [{"name": "申请书", "state": "missing"}, {"name": "营业执照副本", "state": "received"}]
    number = api.post("/cases", body).json()["number"]
    r = api.post(f"/cases/{number}/actions/accept", {})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "case.accept.materials_missing"
    assert error["field"] == "materials"
    assert "缺少必要材料：申请书" in error["message"]
