from django.db import migrations, models
from django.db.models import F


def number(apps, schema_editor):
    apps.get_model("shelf", "Shelf").objects.update(position=F("id"))


class Migration(migrations.Migration):
    dependencies = [("shelf", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="shelf", name="position", field=models.IntegerField(default=0)
        ),
        migrations.RunPython(number, migrations.RunPython.noop),
    ]
