"""Re-sign every supervision order's history with the chain key (issue 13), once.

Run it with the production key set (``ONEWINDOW_CHAIN_KEY``). Only a chain that verifies as it
stands (the plain SHA-256 it was made with) is re-signed; a broken one is left for
``verify_history`` to report.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import migrations


def legacy_content(event: Any, number: str) -> dict[str, Any]:
    """What an event's hash covered before the chain was keyed."""
    return {"subject": number, "seq": event.seq, "kind": event.kind, "at": event.at.astimezone(UTC).isoformat(),
            "actor": event.actor_id, "actor_label": event.actor_label, "note": event.note, "payload": event.payload}


def forwards(apps: Any, schema_editor: Any) -> None:
    from onewindow.lifecycle.rechain import rechain_table
    from onewindow.lifecycle.services import event_content

    order_model = apps.get_model("supervision", "SupervisionOrder")
    rechain_table(apps.get_model("supervision", "SupervisionOrderEvent"), "order", order_model.objects.order_by("id"),
                  label_of=lambda o: o.number, content=event_content, legacy=legacy_content)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_chain_key_id")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
