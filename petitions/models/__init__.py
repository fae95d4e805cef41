"""Petition texts (versioned), signatures and their states, in-person signing, counts, delivery,
updates and audits: one module per subject, every public name re-exported here."""

from .audits import (
    ExportAudit,
    Invalidation,
)
from .counts import (
    CampaignTally,
    MilestoneNotice,
)
from .delivery import (
    Delivery,
    DeliveryEvent,
    DeliveryEventQuerySet,
    DeliveryEventStatus,
    Rsvp,
    RsvpQuerySet,
    RsvpSource,
)
from .in_person import (
    PaperBatch,
    PaperBatchQuerySet,
    PaperBatchStatus,
    SigningTable,
    SigningTableQuerySet,
)
from .keys import (
    GMAIL_DOMAINS,
    email_domain,
    email_key,
    hashed_email_key,
    name_key,
    normalize_email,
)
from .signatures import (
    Signature,
    SignatureMethod,
    SignatureQuerySet,
    SignatureStatus,
    Visibility,
)
from .site import (
    SiteSettings,
)
from .texts import (
    PetitionTemplate,
    PetitionText,
    PetitionTextQuerySet,
    PetitionTextStatus,
)
from .updates import (
    CampaignUpdate,
    CampaignUpdateQuerySet,
    UpdateKind,
    UpdateStatus,
)
from .uploads import (
    PHOTO_EXTENSIONS,
    private_upload_path,
)

__all__ = [
    "CampaignTally",
    "CampaignUpdate",
    "CampaignUpdateQuerySet",
    "Delivery",
    "DeliveryEvent",
    "DeliveryEventQuerySet",
    "DeliveryEventStatus",
    "ExportAudit",
    "GMAIL_DOMAINS",
    "Invalidation",
    "MilestoneNotice",
    "PHOTO_EXTENSIONS",
    "PaperBatch",
    "PaperBatchQuerySet",
    "PaperBatchStatus",
    "PetitionTemplate",
    "PetitionText",
    "PetitionTextQuerySet",
    "PetitionTextStatus",
    "Rsvp",
    "RsvpQuerySet",
    "RsvpSource",
    "Signature",
    "SignatureMethod",
    "SignatureQuerySet",
    "SignatureStatus",
    "SigningTable",
    "SigningTableQuerySet",
    "SiteSettings",
    "UpdateKind",
    "UpdateStatus",
    "Visibility",
    "email_domain",
    "email_key",
    "hashed_email_key",
    "name_key",
    "normalize_email",
    "private_upload_path",
]
