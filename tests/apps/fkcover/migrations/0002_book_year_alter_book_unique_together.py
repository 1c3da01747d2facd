from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("fkcover", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="book",
            name="year",
            field=models.IntegerField(default=0),
        ),
        migrations.AlterUniqueTogether(
            name="book",
            unique_together={("author", "year")},
        ),
    ]
