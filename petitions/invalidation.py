"""Staff void signatures in bulk (a flood, a bad domain, a pick), keeping the reason."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .errors import MatchesChanged, PetitionError
from .models import Invalidation, Signature, SignatureStatus, email_domain
from .signing import counts_changed


@dataclass
class InvalidationCriteria:
    """Which live signatures staff void: a campaign, an email domain, a time window, or a pick.

    A flood is undone by its campaign and window (`signed_from` inclusive, `signed_until`
    exclusive), even when it came from a catch-all domain that real people use too.
    """

    campaign: Campaign | None = None
    email_domain: str = ""
    signed_from: object = None
    signed_until: object = None
    signature_ids: list | None = None

    def queryset(self):
        qs = Signature.objects.live()
        if self.signature_ids is not None:
            qs = qs.filter(pk__in=self.signature_ids)
        if self.campaign is not None:
            qs = qs.filter(campaign=self.campaign)
        if self.email_domain:
            # The kept domain, not the address: most confirmed signers no longer have one.
            qs = qs.filter(email_domain=email_domain("@" + self.email_domain.strip().lstrip("@")))
        if self.signed_from:
            qs = qs.filter(created_at__gte=self.signed_from)
        if self.signed_until:
            qs = qs.filter(created_at__lt=self.signed_until)
        return qs

    def describe(self) -> str:
        parts = []
        if self.signature_ids is not None:
            parts.append(f"{len(self.signature_ids)} selected signatures")
        if self.campaign is not None:
            parts.append(f"campaign {self.campaign} (#{self.campaign.pk})")
        if self.email_domain:
            parts.append(f"email domain {self.email_domain}")
        if self.signed_from:
            parts.append(f"from {self.signed_from:%Y-%m-%d %H:%M:%S %Z}")
        if self.signed_until:
            parts.append(f"until {self.signed_until:%Y-%m-%d %H:%M:%S %Z}")
        return "; ".join(parts)


def invalidate_signatures(
    criteria: InvalidationCriteria, *, reason: str, user, expected: int | None = None
) -> Invalidation:
    """Void matching signatures in bulk, keeping the reason; the counts follow at once.

    `expected` is the count staff were shown: when more (or fewer) match now, nothing is voided.
    """
    if not reason.strip():
        raise PetitionError(_("A reason is required."))
    with transaction.atomic():
        ids = list(criteria.queryset().select_for_update().values_list("pk", flat=True))
        if expected is not None and len(ids) != expected:
            raise MatchesChanged
        campaign_ids = sorted(
            set(Signature.objects.filter(pk__in=ids).values_list("campaign_id", flat=True))
        )
        invalidation = Invalidation.objects.create(
            reason=reason.strip(),
            criteria=criteria.describe(),
            signatures_affected=len(ids),
            created_by=user,
        )
        Signature.objects.filter(pk__in=ids).update(
            status=SignatureStatus.INVALIDATED, invalidation=invalidation
        )
        counts_changed(*campaign_ids)
    return invalidation
