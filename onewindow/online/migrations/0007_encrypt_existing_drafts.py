"""Encrypt the online drafts' form data already stored (plaintext JSON until now).

In its own migration: on PostgreSQL, rows updated in the transaction of a schema change would leave
pending trigger events that the next ALTER TABLE refuses.
"""

from django.db import migrations

from onewindow.core.personal_fields import encrypt_in_place


class Migration(migrations.Migration):

    dependencies = [
        ("online", "0006_draft_data_encrypted"),
    ]

    operations = [
        migrations.RunPython(*encrypt_in_place("online", "Draft")),
    ]
