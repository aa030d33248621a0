"""Encrypt the rows already stored in applicant accounts and one-time code rows (plaintext until now) and fill their blind indexes.

In its own migration: on PostgreSQL, rows updated in the transaction of a schema change would leave
pending trigger events that the next ALTER TABLE refuses.
"""

from django.db import migrations

from onewindow.core.personal_fields import encrypt_in_place


class Migration(migrations.Migration):

    dependencies = [
        ("online", "0003_encrypt_personal_data"),
    ]

    operations = [
        migrations.RunPython(*encrypt_in_place("online", "ApplicantProfile")),
        migrations.RunPython(*encrypt_in_place("online", "OtpThrottle")),
        migrations.RunPython(*encrypt_in_place("online", "OneTimeCode")),
    ]
