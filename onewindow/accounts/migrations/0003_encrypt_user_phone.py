"""Personal data at rest (docs/security.md): the column becomes encrypted, with its blind index."""

import onewindow.core.personal_fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_apitoken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=onewindow.core.personal_fields.EncryptedCharField(blank=True, max_length=20, verbose_name='手机号'),
        ),
    ]
