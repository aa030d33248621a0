"""One account and one throttle row per phone, now enforced on the phone's blind index."""

import onewindow.core.personal_fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("online", "0004_encrypt_existing_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicantprofile",
            name="phone_bidx",
            field=onewindow.core.personal_fields.BlindIndexField(kind="phone", source="phone", unique=True),
        ),
        migrations.AlterField(
            model_name="otpthrottle",
            name="phone_bidx",
            field=onewindow.core.personal_fields.BlindIndexField(kind="phone", source="phone", unique=True),
        ),
    ]
