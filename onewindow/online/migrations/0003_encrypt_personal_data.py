"""Personal data at rest (docs/security.md): phones and ID numbers become encrypted columns with
blind indexes. The rows are encrypted by 0004, the phone indexes made unique by 0005."""

import onewindow.core.personal_fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('online', '0002_applicant_import_consent'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='onetimecode',
            name='otp_phone_latest',
        ),
        migrations.RemoveIndex(
            model_name='onetimecode',
            name='otp_phone_day',
        ),
        migrations.AddField(
            model_name='applicantprofile',
            name='id_number_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(db_index=True, kind='id_number', source='id_number'),
        ),
        migrations.AddField(
            model_name='applicantprofile',
            name='phone_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(kind='phone', source='phone'),
        ),
        migrations.AddField(
            model_name='onetimecode',
            name='phone_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(kind='phone', source='phone'),
        ),
        migrations.AddField(
            model_name='otpthrottle',
            name='phone_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='applicantprofile',
            name='id_number',
            field=onewindow.core.personal_fields.EncryptedCharField(max_length=32, verbose_name='证件号码'),
        ),
        migrations.AlterField(
            model_name='applicantprofile',
            name='phone',
            field=onewindow.core.personal_fields.EncryptedCharField(max_length=11, verbose_name='手机号'),
        ),
        migrations.AlterField(
            model_name='onetimecode',
            name='phone',
            field=onewindow.core.personal_fields.EncryptedCharField(max_length=11, verbose_name='手机号'),
        ),
        migrations.AlterField(
            model_name='otpthrottle',
            name='phone',
            field=onewindow.core.personal_fields.EncryptedCharField(max_length=11, verbose_name='手机号'),
        ),
        migrations.AddIndex(
            model_name='onetimecode',
            index=models.Index(fields=['phone_bidx', 'purpose', '-created_at'], name='otp_phone_latest'),
        ),
        migrations.AddIndex(
            model_name='onetimecode',
            index=models.Index(fields=['phone_bidx', '-created_at'], name='otp_phone_day'),
        ),
    ]
