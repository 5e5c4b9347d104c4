# The v1 Python client sends feedback about several URLs at once: keep them all.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tagapi", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="feedback", old_name="url", new_name="urls"),
        migrations.AlterField(model_name="feedback", name="urls", field=models.TextField(blank=True)),
    ]
