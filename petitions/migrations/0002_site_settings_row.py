"""The one SiteSettings row exists from the start, so reading it never writes."""

from django.db import migrations


def create_row(apps, schema_editor):
    SiteSettings = apps.get_model("petitions", "SiteSettings")
    SiteSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
