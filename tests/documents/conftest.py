"""Documents tests reuse the cases' county (``hall``) and keep signing keys in the test's tmp dir."""

from __future__ import annotations

import pytest

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseEvent
from tests.cases.conftest import at, hall  # noqa: F401


@pytest.fixture(autouse=True)
def _key_dir(settings, tmp_path):
    settings.ONEWINDOW_KEY_DIR = tmp_path / "keys"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # ``hall`` makes six accounts; Argon2 would spend most of each test hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def last_event(case: Case) -> CaseEvent:
    return case.events.order_by("-seq").first()


def submit(hall, when=None, **kw) -> Case:  # noqa: F811
    return case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(**kw), window_number="01", at=when or at(2026, 9, 28))


def accepted(hall) -> Case:  # noqa: F811
    case = submit(hall)
    return case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))


def granted(hall) -> Case:  # noqa: F811
    case = accepted(hall)
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意",
                                                 at=at(2026, 9, 30))
    return case_services.case_decide(case_id=case.id, actor=hall.chief, grant=True, reasons="符合法定条件",
                                     at=at(2026, 10, 9))
