from django.db import migrations, models
from django.db.models.functions import Length


def count_pages(apps, schema_editor):
    apps.get_model("library", "Book").objects.update(pages=Length("title") * 10)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="book", name="pages", field=models.IntegerField(null=True)
        ),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["title"], name="library_book_title_idx"),
        ),
        migrations.RunPython(count_pages, migrations.RunPython.noop),
    ]
