"""Notices as A4 PDFs: Chinese text, embedded font, identical bytes, rendered only after commit."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction

from onewindow.cases import services as case_services
from onewindow.core import filecrypt
from onewindow.core.errors import DomainError
from onewindow.documents import jobs
from onewindow.documents import services as s
from onewindow.documents.models import Document
from onewindow.documents.render import render_pdf
from onewindow.documents.templatetags.documents_cn import cn_date
from onewindow.tasks.models import PeriodicJob
from tests.cases.helpers import accepted_case, at, granted_case, last_event, submit
from tests.documents.helpers import pdf_text, readable, stored

pytestmark = pytest.mark.django_db


def pdf_fonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return out.splitlines()[2:]


def test_acceptance_notice_pdf_shows_the_case_in_chinese_with_an_embedded_font(hall, settings):
    # given an accepted case and its notice
    case = accepted_case(hall)
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    # when it is rendered
    document = s.document_render(document_id=document.id)
    # then the PDF says who, what, and by when, and carries its font
    assert filecrypt.is_sealed(stored(document, settings).read_bytes())  # sealed at rest (core/filecrypt.py)
    path = readable(document, settings)
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(stored(document, settings))
    for expected in ["受理通知书", document.number, "张三", "测试事项01", case.number, case.query_code,
                     cn_date(case.promised_due), cn_date(case.statutory_due), "2026年9月29日", "申请书",
                     "云溪县工商局", "云溪县政务服务中心", "本文书由一窗通办系统生成"]:
        assert expected in text, expected
    fonts = pdf_fonts(path)
    assert fonts
    assert all(" yes " in line for line in fonts)  # emb (and sub) yes
    assert any("WenQuanYi" in line for line in fonts)
    assert document.pdf_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.pdf_path == "documents/2026/云溪受_2026_000001号.pdf"
    assert subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout.count("A4") == 1


def test_the_same_content_renders_to_identical_bytes(hall, settings):
    case = accepted_case(hall)
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="acceptance_notice").id)
    again = render_pdf(document.kind, document.content)
    assert again == render_pdf(document.kind, document.content)
    assert hashlib.sha256(again).hexdigest() == document.pdf_sha256


def test_rendering_waits_for_the_background_job_not_the_transaction(hall, settings,
                                                                   django_capture_on_commit_callbacks):
    from onewindow.tasks.registry import registered_jobs
    from onewindow.tasks.runner import run_due_jobs

    case = submit(hall)
    PeriodicJob.objects.create(name=s.RENDER_JOB, next_run_at=at(2030, 1, 1))
    # when the case is accepted and its notice issued inside the transition's transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        case = case_services.case_accept(case_id=case.id, actor=hall.clerk, at=at(2026, 9, 29))
        document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
        # then nothing is rendered in it
        assert document.rendered_at is None
        assert document.pdf_path == ""
        assert not (Path(settings.MEDIA_ROOT) / "documents").exists()
    # and the commit leaves nothing to do after it: no file, no callback
    assert callbacks == []
    document.refresh_from_db()
    assert document.rendered_at is None
    assert not (Path(settings.MEDIA_ROOT) / "documents").exists()
    # the job is not due until 2030, but the unrendered notice wakes it at the runner's next tick
    spec = registered_jobs()[s.RENDER_JOB]
    assert spec.wake is not None
    assert spec.wake(at(2026, 9, 29), None)
    assert run_due_jobs(at(2026, 9, 29, 10), only=[s.RENDER_JOB]) == [s.RENDER_JOB]
    document.refresh_from_db()
    assert document.rendered_at is not None
    assert stored(document, settings).exists()
    # nothing left: the next tick leaves the job alone until its interval is up
    assert run_due_jobs(at(2026, 9, 29, 10) + timedelta(seconds=30), only=[s.RENDER_JOB]) == []
    assert jobs.render_pending(at(2026, 9, 29)) == 0


def test_a_notice_that_fails_to_render_does_not_wake_the_job_at_every_tick(hall, settings):
    case = accepted_case(hall)
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    job = PeriodicJob.objects.create(name=s.RENDER_JOB, next_run_at=at(2030, 1, 1))
    assert s.unrendered_since(at(2026, 9, 29), None)
    # the job started after the notice was issued (and failed to render it): no more waking
    job.last_started_at = document.issued_at + timedelta(seconds=1)
    job.save()
    assert not s.unrendered_since(at(2026, 9, 29), job.last_started_at)


def test_a_stored_pdf_is_never_rewritten(hall, settings):
    case = accepted_case(hall)
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="acceptance_notice").id)
    path = stored(document, settings)
    before = os.stat(path)
    # when it is rendered again
    again = s.document_render(document_id=document.id)
    # then nothing changed: same file, same record
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (again.rendered_at, again.pdf_sha256) == (document.rendered_at, document.pdf_sha256)


def test_a_file_left_at_the_path_is_kept_and_the_render_stored_beside_it(hall, settings):
    # given a foreign file where the document's PDF would go (e.g. an interrupted earlier run)
    case = accepted_case(hall)
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    path = Path(settings.MEDIA_ROOT) / s._relative_path(document)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not ours")
    # when the document is rendered
    document = s.document_render(document_id=document.id)
    # then the foreign file is untouched, and the PDF is stored under another name
    assert path.read_bytes() == b"not ours"
    assert document.pdf_path != s._relative_path(document)
    assert filecrypt.read(document.pdf_path).startswith(b"%PDF-")


def test_a_lost_file_is_restored_with_the_same_bytes(hall, settings):
    case = accepted_case(hall)
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="acceptance_notice").id)
    stored(document, settings).unlink()
    document = s.document_render(document_id=document.id)
    assert hashlib.sha256(filecrypt.read(document.pdf_path)).hexdigest() == document.pdf_sha256


def test_an_edited_document_row_is_not_rendered(hall):
    case = accepted_case(hall)
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice")
    Document.objects.filter(pk=document.pk).update(content={**document.content, "promised_due": "2099-01-01"})
    with pytest.raises(DomainError) as exc:
        s.document_render(document_id=document.id)
    assert exc.value.code == "document.content_altered"


def test_supplement_notice_lists_every_material_and_the_restart_rule(hall, settings):
    case = submit(hall, missing=("营业执照副本", "场所证明"))
    case = case_services.case_request_supplement(case_id=case.id, actor=hall.clerk, note="请提供原件",
                                                 materials=["营业执照副本", "场所证明"], at=at(2026, 9, 29))
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="supplement_notice").id)
    assert document.content["materials"] == ["营业执照副本", "场所证明"]
    text = pdf_text(stored(document, settings))
    for expected in ["补正告知书", "营业执照副本", "场所证明", "请提供原件", "重新计算受理期限", "一次性"]:
        assert expected in text, expected


def test_refusal_notice_states_reason_basis_and_where_to_apply(hall, settings):
    case = case_services.case_refuse(case_id=submit(hall).id, actor=hall.clerk, reason="不属于本机关职权范围",
                                     legal_basis="《中华人民共和国行政许可法》第三十二条第一款第二项",
                                     where_to_apply="演示市市场监督管理局", at=at(2026, 9, 29))
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="refusal_notice").id)
    text = pdf_text(stored(document, settings))
    assert document.number.startswith("云溪退〔2026〕")
    for expected in ["不予受理告知书", "不属于本机关职权范围", "第三十二条第一款第二项", "演示市市场监督管理局", "行政复议"]:
        assert expected in text, expected


def test_special_procedure_notice_states_the_procedure_and_its_time(hall, settings):
    case = case_services.case_start_special_procedure(
        case_id=accepted_case(hall).id, actor=hall.reviewer, procedure="expert_review", reason="技术方案需专家论证",
        announced_workdays=5, at=at(2026, 9, 30))
    special = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="special_procedure_notice").id)
    assert (special.content["procedure_label"], special.content["announced_workdays"]) == ("专家评审", 5)
    text = pdf_text(stored(special, settings))
    for expected in ["特别程序告知书", "专家评审", "技术方案需专家论证", "5个工作日", "第四十五条"]:
        assert expected in text, expected


def test_extension_notice_states_the_days_the_reason_and_the_new_due_dates(hall, settings):
    case = case_services.case_grant_extension(case_id=accepted_case(hall).id, actor=hall.chief, workdays=10,
                                              reason="情况复杂", at=at(2026, 10, 8))
    extension = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="extension_notice").id)
    assert extension.content["statutory_due"] == case.statutory_due.isoformat()
    assert extension.content["previous_statutory_due"] < extension.content["statutory_due"]
    text = pdf_text(stored(extension, settings))
    for expected in ["延期告知书", "情况复杂", "10个工作日", cn_date(case.statutory_due), cn_date(case.promised_due),
                     cn_date(extension.content["previous_statutory_due"])]:
        assert expected in text, expected


def test_decision_notices_grant_and_deny(hall, settings):
    case = granted_case(hall)
    grant = s.document_render(document_id=s.document_issue(case=case, event=last_event(case),
                                                           kind="decision_notice").id)
    text = pdf_text(stored(grant, settings))
    assert "准予行政许可决定书" in text
    assert "许可证" in text
    assert "决定准予行政许可" in text
    assert grant.content["rights"] == ""


def test_denial_states_the_rights(hall, settings):
    case = accepted_case(hall)
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="意见",
                                                 at=at(2026, 9, 30))
    case = case_services.case_decide(case_id=case.id, actor=hall.chief, grant=False, reasons="场所不符合要求",
                                     at=at(2026, 10, 9))
    event = case.events.filter(kind="decided").get()
    deny = s.document_render(document_id=s.document_issue(case=case, event=event, kind="decision_notice").id)
    text = pdf_text(stored(deny, settings))
    for expected in ["不予行政许可决定书", "场所不符合要求", "六十日内", "六个月内"]:
        assert expected in text, expected


def test_wrong_kinds_and_events_are_refused(hall):
    case, other = accepted_case(hall), accepted_case(hall)
    for kind, event, code in [("memo", last_event(case), "document.kind_invalid"),
                              ("certificate", last_event(case), "document.certificate_needs_signature"),
                              ("acceptance_notice", last_event(other), "document.event_mismatch")]:
        with pytest.raises(DomainError) as exc:
            s.document_issue(case=case, event=event, kind=kind)
        assert exc.value.code == code


def test_content_can_be_overridden_but_not_the_number(hall):
    # the submission event has no notice of its own, so this is the first issue for it
    case = submit(hall)
    document = s.document_issue(case=case, event=last_event(case), kind="acceptance_notice",
                                content={"note": "附加说明", "number": "假号"})
    assert document.content["note"] == "附加说明"
    assert document.content["number"] == document.number != "假号"


def test_the_end_of_a_special_procedure_is_told_with_the_resumed_due_dates(hall, settings):
    case = case_services.case_start_special_procedure(
        case_id=accepted_case(hall).id, actor=hall.reviewer, procedure="hearing", reason="涉及重大公共利益",
        announced_workdays=3, at=at(2026, 9, 30))
    case = case_services.case_end_special_procedure(case_id=case.id, actor=hall.reviewer, result="听证通过",
                                                    at=at(2026, 10, 9))
    document = s.document_render(document_id=s.document_issue(
        case=case, event=last_event(case), kind="special_procedure_notice").id)
    assert document.content["ended"]
    assert document.content["reason"] == "涉及重大公共利益"
    text = pdf_text(stored(document, settings))
    for expected in ["听证", "听证通过", "2026年10月9日", cn_date(case.promised_due)]:
        assert expected in text, expected
