"""办件公示 per item: existing items take the default of their type and name (social assistance and
civil status items are not published)."""

from django.db import migrations, models

from onewindow.catalog.rules import results_public_by_default


def set_by_type(apps, schema_editor) -> None:
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    hidden = [item.pk for item in ServiceItem.objects.select_related("current_version")
              if item.current_version is not None
              and not results_public_by_default(item.current_version.item_type, item.current_version.name)]
    ServiceItem.objects.filter(pk__in=hidden).update(results_public=False)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='serviceitem',
            name='results_public',
            field=models.BooleanField(default=True, help_text='在办件公示中列出本事项的办件；社会救助、婚姻登记等涉及个人隐私的事项默认不公示', verbose_name='公示办理结果'),
        ),
        migrations.RunPython(set_by_type, migrations.RunPython.noop),
    ]
