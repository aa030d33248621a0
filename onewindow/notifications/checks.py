"""``check --deploy`` warns when one-time login codes are kept readable in the outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_demo_codes(app_configs: object = None, **kwargs: object) -> list[Warning]:
    if settings.ONEWINDOW.get("DEMO_SHOW_CODES"):
        return [Warning("ONEWINDOW_DEMO_SHOW_CODES is on: live SMS login codes are stored in the outbox, where "
                        "a center administrator can read them and log in as the applicant. Development and "
                        "the demo only.", id="notifications.W001")]
    return []
