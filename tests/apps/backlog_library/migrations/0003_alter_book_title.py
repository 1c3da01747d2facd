from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("library", "0002_book_pages")]

    operations = [
        migrations.AlterField(
            model_name="book", name="title", field=models.CharField(max_length=200)
        ),
    ]
