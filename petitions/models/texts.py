"""The petition people sign: the national sample and each campaign's versioned text."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class PetitionTemplate(models.Model):
    """The national sample petition. Placeholders: {county}, {state}, {sheriff}, {agency}."""

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sample petition")
        verbose_name_plural = _("sample petition")

    def __str__(self):
        return self.title_en


class PetitionTextStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for staff")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PetitionTextQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=PetitionTextStatus.APPROVED)

    def current_first(self):
        """The text people sign now is the latest approved version (the one rule)."""
        return self.approved().order_by("-version")


class PetitionText(models.Model):
    """One version of one campaign's petition. Each signature records the version it signed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="petition_texts")
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PetitionTextStatus.choices,
        default=PetitionTextStatus.APPROVED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = PetitionTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition text")
        verbose_name_plural = _("petition texts")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="petition_version_unique"),
            models.CheckConstraint(
                condition=Q(status__in=PetitionTextStatus.values), name="petition_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} v{self.version}"

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" else self.body_en
