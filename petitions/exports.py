"""Staff's CSV export of signatures: it writes the file and records who took it, in one function.

Signers' names and emails leave the site only through an export that leaves an ExportAudit row
(the delivery kit's PDF does the same, in delivery.py).
"""

import csv
import io

from config.spreadsheets import neutralize

from .models import ExportAudit

EXPORT_FIELDS = [
    "campaign",
    "name",
    "email",
    "zip_code",
    "county_resident",
    "visibility",
    "status",
    "method",
    "language",
    "keep_updated",
    "source",
    "created_at",
    "confirmed_at",
]


def _cell(value) -> str:
    return neutralize("" if value is None else str(value))


def export_signatures_csv(signatures, *, user) -> str:
    """The CSV of these signatures (cells neutralized against formulas), with one audit row per
    campaign exported: who, when, which campaign, how many rows."""
    rows = list(signatures.select_related("campaign").order_by("campaign_id", "created_at"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    per_campaign = {}
    for s in rows:
        writer.writerow(
            [
                _cell(f"{s.campaign.name}, {s.campaign.state}"),
                *(_cell(getattr(s, f)) for f in EXPORT_FIELDS[1:]),
            ]
        )
        per_campaign[s.campaign] = per_campaign.get(s.campaign, 0) + 1
    ExportAudit.objects.bulk_create(
        ExportAudit(
            user=user,
            campaign=campaign,
            rows=n,
            description=f"Signatures CSV from admin: {campaign}",
        )
        for campaign, n in per_campaign.items()
    )
    return out.getvalue()
