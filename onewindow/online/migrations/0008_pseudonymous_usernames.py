"""Applicants' login names stop being their phone numbers (issue 13).

An applicant logs in by phone and one-time code, found through the phone's blind index; the login
name was the phone in clear, in ``accounts_user.username``, beside the encrypted ``phone``. Every
applicant login named by its phone (or by any string of digits) is renamed ``applicant-`` and 16
random hex digits, as new registrations are. Staff logins are not touched.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model("accounts", "User")
    profiles = apps.get_model("online", "ApplicantProfile").objects.using(schema_editor.connection.alias)
    taken = set(user_model.objects.values_list("username", flat=True))
    for user_id, phone in profiles.values_list("user_id", "phone").iterator():
        user = user_model.objects.get(pk=user_id)
        if user.username != phone and not user.username.isdigit():
            continue
        name = f"applicant-{secrets.token_hex(8)}"
        while name in taken:
            name = f"applicant-{secrets.token_hex(8)}"
        taken.add(name)
        user_model.objects.filter(pk=user_id).update(username=name)


class Migration(migrations.Migration):
    dependencies = [("online", "0007_encrypt_existing_drafts"), ("accounts", "0004_encrypt_existing_phones")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
