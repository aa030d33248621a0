"""Encrypt the rows already stored in cases (applicant's and agent's ID numbers, phone) (plaintext until now) and fill their blind indexes.

In its own migration: on PostgreSQL, rows updated in the transaction of a schema change would leave
pending trigger events that the next ALTER TABLE refuses.
"""

from django.db import migrations

from onewindow.core.personal_fields import encrypt_in_place


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_encrypt_personal_data"),
    ]

    operations = [
        migrations.RunPython(*encrypt_in_place("cases", "Case")),
    ]
