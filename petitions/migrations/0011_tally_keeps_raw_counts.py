"""The stored tally keeps residents by method, so visitors read it instead of aggregating rows."""

from django.db import migrations, models
from django.db.models import Count, Q


def fill_residents(apps, schema_editor):
    """Existing tallies get their residents by method from the rows (once, at deploy)."""
    Signature = apps.get_model("petitions", "Signature")
    CampaignTally = apps.get_model("petitions", "CampaignTally")
    rows = (
        Signature.objects.filter(status="confirmed", county_resident=True)
        .values("campaign_id")
        .annotate(
            online=Count("pk", filter=Q(method="online")),
            offline=Count("pk", filter=~Q(method="online")),
        )
        .order_by()
    )
    for row in rows:
        CampaignTally.objects.filter(campaign_id=row["campaign_id"]).update(
            online_residents=row["online"], offline_residents=row["offline"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0010_campaign_updates"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaigntally",
            name="offline_residents",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="campaigntally",
            name="online_residents",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(fill_residents, migrations.RunPython.noop),
    ]
