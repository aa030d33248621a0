"""Re-sign every case's history with the chain key (issue 13), once.

Run it with the production key set (``ONEWINDOW_CHAIN_KEY``): the events are signed with the key
the environment names when ``migrate`` runs. Only a chain that verifies as it stands (the plain
SHA-256 it was made with) is re-signed; a broken one is left for ``verify_history`` to report.
The last event's projection is completed with the columns it did not record yet (region,
department, account, query code …) as the row holds them now: from here on they are checked.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import migrations


def legacy_content(event: Any, number: str) -> dict[str, Any]:
    """What an event's hash covered before the chain was keyed."""
    return {"case": number, "seq": event.seq, "kind": event.kind, "at": event.at.astimezone(UTC).isoformat(),
            "actor": event.actor_id, "payload": event.payload, "projection": event.projection}


def forwards(apps: Any, schema_editor: Any) -> None:
    from onewindow.cases.history import PERSONAL_FIELDS, PROJECTED_FIELDS, event_content, personal_digest, projection_of
    from onewindow.lifecycle.rechain import rechain_table

    case_model = apps.get_model("cases", "Case")
    event_model = apps.get_model("cases", "CaseEvent")
    rows_in_step: set[int] = set()

    def seal(case: Any, last: Any) -> None:
        current = projection_of(case)
        for name in PERSONAL_FIELDS:
            # An older projection recorded the value in clear: it becomes its digest, but only
            # where it matches the row (a mismatch stays one, and is reported).
            recorded = last.projection.get(name)
            if recorded and not str(recorded).startswith("bidx:"):
                if recorded == (getattr(case, name) or ""):
                    last.projection[name] = personal_digest(name, recorded)
        for name in PROJECTED_FIELDS:
            last.projection.setdefault(name, current[name])
        if case.last_event_hash == last.hash and case.row_version == last.seq:
            rows_in_step.add(case.pk)  # a row out of step with its chain stays so, and is reported

    def after(case: Any, last_hash: str) -> None:
        if case.pk in rows_in_step:
            case_model.objects.filter(pk=case.pk).update(last_event_hash=last_hash)

    rechain_table(event_model, "case", case_model.objects.order_by("id"), label_of=lambda c: c.number,
                  content=event_content, legacy=legacy_content, seal=seal, after=after)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_chain_key_id")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
