"""Personal data at rest (docs/security.md): the column becomes encrypted, with its blind index."""

import onewindow.core.personal_fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_event_kinds'),
        ('catalog', '0004_material_provision_and_deferrable'),
        ('organization', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='cases_case_applica_b60296_idx',
        ),
        migrations.AddField(
            model_name='case',
            name='agent_id_number_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(db_index=True, kind='id_number', source='agent_id_number'),
        ),
        migrations.AddField(
            model_name='case',
            name='applicant_id_number_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(kind='id_number', source='applicant_id_number'),
        ),
        migrations.AddField(
            model_name='case',
            name='applicant_phone_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(db_index=True, kind='phone', source='applicant_phone'),
        ),
        migrations.AlterField(
            model_name='case',
            name='agent_id_number',
            field=onewindow.core.personal_fields.EncryptedCharField(blank=True, max_length=32, verbose_name='代理人证件号码'),
        ),
        migrations.AlterField(
            model_name='case',
            name='applicant_id_number',
            field=onewindow.core.personal_fields.EncryptedCharField(max_length=32, verbose_name='证件号码'),
        ),
        migrations.AlterField(
            model_name='case',
            name='applicant_phone',
            field=onewindow.core.personal_fields.EncryptedCharField(blank=True, max_length=20, verbose_name='联系电话'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['applicant_id_number_bidx', 'item'], name='cases_case_applica_7f0b04_idx'),
        ),
    ]
