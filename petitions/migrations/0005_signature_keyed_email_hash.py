"""Signers' mailbox keys become keyed hashes, with the domain kept on its own; and what the new
retention rules would have removed already is removed now: the person on withdrawn signatures,
the address of confirmed signers who asked for no updates.

Idempotent: a key already hashed (no @) is left alone.
"""

from django.db import migrations, models

BATCH = 2000


def hash_email_keys(apps, schema_editor):
    from petitions.models import email_domain, hashed_email_key

    Signature = apps.get_model("petitions", "Signature")
    rows = Signature.objects.filter(email_key__contains="@").only("pk", "email_key")
    batch = []
    for signature in rows.iterator(chunk_size=BATCH):
        # The stored key is already normalized: hash it as it is.
        signature.email_domain = email_domain(signature.email_key)
        signature.email_key = hashed_email_key(signature.email_key)
        batch.append(signature)
        if len(batch) >= BATCH:
            Signature.objects.bulk_update(batch, ["email_key", "email_domain"])
            batch = []
    Signature.objects.bulk_update(batch, ["email_key", "email_domain"])
    Signature.objects.filter(status="withdrawn").update(
        name="", name_key="", email="", email_domain="", zip_code=""
    )
    Signature.objects.filter(status="confirmed", keep_updated=False).update(email="")


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0004_signature_follow_up"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="email_domain",
            field=models.CharField(blank=True, editable=False, max_length=254),
        ),
        migrations.RunPython(hash_email_keys, migrations.RunPython.noop, elidable=True),
    ]
