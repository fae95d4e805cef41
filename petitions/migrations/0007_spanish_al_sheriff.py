"""Spanish petitions rendered before the fix opened "A el Sheriff": contract it to "Al sheriff".

Only the exact words the sample petition produced are changed, so a text a leader wrote stays as
written, and stored texts keep matching what the template renders now (template edits still
reach unsigned campaigns).
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace


def contract(apps, schema_editor):
    PetitionText = apps.get_model("petitions", "PetitionText")
    for wrong, right in (("A el Sheriff", "Al sheriff"), ("a el Sheriff", "al sheriff")):
        PetitionText.objects.filter(body_es__contains=wrong).update(
            body_es=Replace("body_es", Value(wrong), Value(right))
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_signature_last_emailed_at")]

    operations = [migrations.RunPython(contract, migrations.RunPython.noop)]
