"""Staff's CSV export of signatures: it writes the file and records who took it, in one function.

Signers' names and emails leave the site only through an export that leaves an ExportAudit row
(the delivery kit's PDF does the same, in delivery.py).
"""

import csv
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.spreadsheets import neutralize

from .models import ExportAudit, Visibility

# The columns, headed and filled in words a spreadsheet reader understands (not codes).
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


EXPORT_HEADERS = {
    "campaign": gettext_lazy("Campaign"),
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "zip_code": gettext_lazy("ZIP code"),
    "county_resident": gettext_lazy("Lives in the county"),
    "visibility": gettext_lazy("What the sheriff may see"),
    "status": gettext_lazy("Status"),
    "method": gettext_lazy("How it was signed"),
    "language": gettext_lazy("Language"),
    "keep_updated": gettext_lazy("Wants campaign updates"),
    "source": gettext_lazy("Channel"),
    "created_at": gettext_lazy("Signed at"),
    "confirmed_at": gettext_lazy("Confirmed at"),
}
# Staff's words for what the sheriff may see (the form's choices speak to the signer: "My ...").
EXPORT_VISIBILITY = {
    Visibility.COUNTED: gettext_lazy("Counted only, name not shown"),
    Visibility.FIRST_INITIAL: gettext_lazy("First name and last initial"),
    Visibility.FULL_NAME: gettext_lazy("Full name"),
}


def _cell(value) -> str:
    return neutralize("" if value is None else str(value))


def _value(signature, field) -> str:
    if field == "campaign":
        return f"{signature.campaign.name}, {signature.campaign.state}"
    if field == "visibility":
        return str(EXPORT_VISIBILITY.get(signature.visibility, signature.visibility))
    if field == "language":
        return dict(settings.LANGUAGES).get(signature.language, signature.language)
    value = getattr(signature, field)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ("status", "method"):
        return getattr(signature, f"get_{field}_display")()
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


def export_signatures_csv(signatures, *, user) -> str:
    """The CSV of these signatures (cells neutralized against formulas), with one audit row per
    campaign exported: who, when, which campaign, how many rows."""
    rows = list(signatures.select_related("campaign").order_by("campaign_id", "created_at"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(EXPORT_HEADERS[f]) for f in EXPORT_FIELDS])
    per_campaign = {}
    for s in rows:
        writer.writerow([_cell(_value(s, f)) for f in EXPORT_FIELDS])
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
