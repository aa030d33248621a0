"""Personal data at rest (docs/security.md): the column becomes encrypted, with its blind index."""

import onewindow.core.personal_fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_outbox_secret_withheld'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='recipient_bidx',
            field=onewindow.core.personal_fields.BlindIndexField(db_index=True, kind='phone', source='recipient'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='recipient',
            field=onewindow.core.personal_fields.EncryptedCharField(help_text='手机号码或电子邮箱', max_length=254, verbose_name='接收人'),
        ),
    ]
