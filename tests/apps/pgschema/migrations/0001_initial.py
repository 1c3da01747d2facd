import django.db.models.deletion
from django.db import migrations, models


def create_schema(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('CREATE SCHEMA IF NOT EXISTS "djm_pgschema"')


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.RunPython(create_schema, migrations.RunPython.noop),
        migrations.CreateModel(
            name='Widget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=40)),
                ('size', models.IntegerField(null=True)),
            ],
            options={
                'db_table': '"djm_pgschema"."pgschema_widget"',
                'required_db_vendor': 'postgresql',
            },
        ),
        migrations.CreateModel(
            name='Gadget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=20)),
                ('widget', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='pgschema.widget')),
            ],
            options={
                'required_db_vendor': 'postgresql',
            },
        ),
    ]
