"""Encrypt the rows already stored in login accounts (phone) (plaintext until now) and fill their blind indexes.

In its own migration: on PostgreSQL, rows updated in the transaction of a schema change would leave
pending trigger events that the next ALTER TABLE refuses.
"""

from django.db import migrations

from onewindow.core.personal_fields import encrypt_in_place


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_encrypt_user_phone"),
    ]

    operations = [
        migrations.RunPython(*encrypt_in_place("accounts", "User")),
    ]
