"""The ``submitted`` events stop holding the applicant's ID numbers and phone in clear (issue 13).

Before this, every case's first event recorded the applicant as typed: the numbers the case row
keeps encrypted sat readable in the event table. Each such payload now holds their keyed digests
(``cases.history.redact_applicant``, as new cases record them), and the case's chain is signed
again with the chain key of the environment (``ONEWINDOW_CHAIN_KEY``). As every rewrite of
history, it goes through ``history_maintenance`` (recorded, the append-only triggers lifted for
this transaction only) and only where there is something to redact; a chain that does not
verify is left as it is, for ``verify_history`` to report. Anchors taken before keep the old
hashes: the maintenance record says why they no longer match.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

WHO = "数据迁移 cases.0016_redact_submitted_applicant"
REASON = "个人信息保护：办件收件事件中的申请人证件号码、电话改为密钥摘要，并重新签名办件历史链"


def _needs_redaction(payload: Any) -> bool:
    from onewindow.cases.history import APPLICANT_PERSONAL

    applicant = payload.get("applicant") if isinstance(payload, dict) else None
    return isinstance(applicant, dict) and any(
        applicant.get(k) and not str(applicant[k]).startswith("bidx:") for k in APPLICANT_PERSONAL)


def forwards(apps: Any, schema_editor: Any) -> None:
    from onewindow.cases.history import event_content, redact_applicant
    from onewindow.lifecycle.maintenance import history_maintenance
    from onewindow.lifecycle.rechain import rechain_table

    case_model = apps.get_model("cases", "Case")
    event_model = apps.get_model("cases", "CaseEvent")
    pending = [e.case_id for e in event_model.objects.filter(kind="submitted").only("case_id", "payload")
               if _needs_redaction(e.payload)]
    if not pending:
        return  # a new database, or one already redacted: history is not touched

    def amend(event: Any) -> bool:
        if event.kind != "submitted" or not _needs_redaction(event.payload):
            return False
        event.payload = {**event.payload, "applicant": redact_applicant(event.payload["applicant"])}
        return True

    in_step: set[int] = set()

    def seal(case: Any, last: Any) -> None:  # before the last event is signed again: its old hash
        if case.last_event_hash == last.hash and case.row_version == last.seq:
            in_step.add(case.pk)  # a row out of step with its chain stays so, and is reported

    def after(case: Any, last_hash: str) -> None:
        if case.pk in in_step:
            case_model.objects.filter(pk=case.pk).update(last_event_hash=last_hash)

    with history_maintenance(who=WHO, reason=REASON, statements=[f"redact + re-sign {len(pending)} case chains"]):
        # Only the columns the chain needs: the encrypted ones are never read (nor decrypted) here.
        cases = case_model.objects.filter(pk__in=pending).only("id", "number", "last_event_hash", "row_version")
        rechain_table(event_model, "case", cases.order_by("id"),
                      label_of=lambda c: c.number, content=event_content, legacy=None, seal=seal, after=after,
                      amend=amend)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_event_at_index"), ("lifecycle", "0003_anchors_and_maintenance")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
