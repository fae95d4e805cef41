"""Staff only: signatures (search, export with an audit row, bulk invalidation), petition texts,
site switches, and read-only records of deliveries, exports and milestones."""

import csv

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .forms import InvalidationForm, ReasonForm
from .models import (
    CampaignTally,
    Delivery,
    ExportAudit,
    Invalidation,
    MilestoneNotice,
    PetitionTemplate,
    PetitionText,
    PetitionTextStatus,
    Signature,
    SiteSettings,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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


def neutralize(value) -> str:
    """A spreadsheet must never run a signer's input as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "campaign",
        "name",
        "email",
        "zip_code",
        "county_resident",
        "status",
        "method",
        "visibility",
        "created_at",
    ]
    list_filter = ["status", "method", "visibility", "county_resident", "campaign__state"]
    search_fields = ["email", "email_key", "=zip_code"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign", "petition_text", "paper_batch", "invalidation"]
    date_hierarchy = "created_at"
    # States move only through the services: staff invalidate with a reason, signers withdraw.
    readonly_fields = [
        "uid",
        "campaign",
        "petition_text",
        "email_key",
        "status",
        "method",
        "invalidation",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "unsubscribed_at",
        "purged_at",
    ]
    actions = ["export_csv", "invalidate_selected"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "invalidate/",
                self.admin_site.admin_view(self.invalidate_view),
                name="petitions_signature_invalidate",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("Export selected signatures as CSV"))
    def export_csv(self, request, queryset):
        rows = list(queryset.select_related("campaign").order_by("campaign_id", "created_at"))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="signatures-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(EXPORT_FIELDS)
        for s in rows:
            writer.writerow(
                [
                    neutralize(f"{s.campaign.name}, {s.campaign.state}"),
                    *(neutralize(getattr(s, f)) for f in EXPORT_FIELDS[1:]),
                ]
            )
        per_campaign = {}
        for s in rows:
            per_campaign.setdefault(s.campaign, 0)
            per_campaign[s.campaign] += 1
        # One audit row per campaign exported: who, when, which campaign, how many rows.
        ExportAudit.objects.bulk_create(
            ExportAudit(
                user=request.user,
                campaign=campaign,
                rows=n,
                description=f"Signatures CSV from admin: {campaign}",
            )
            for campaign, n in per_campaign.items()
        )
        return response

    @admin.action(description=gettext_lazy("Invalidate selected signatures (asks for a reason)"))
    def invalidate_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            invalidation = services.invalidate_signatures(
                services.InvalidationCriteria(signature_ids=ids),
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
            self._report(request, invalidation)
            return None
        criteria = services.InvalidationCriteria(signature_ids=ids)
        return self._page(request, form, criteria, selected=ids, action="invalidate_selected")

    def invalidate_view(self, request):
        """Bulk invalidation by campaign, email domain and time window, with a kept reason."""
        if not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = InvalidationForm(request.POST or None)
        criteria = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            criteria = services.InvalidationCriteria(
                campaign=data["campaign"],
                email_domain=data["email_domain"],
                since=data["since"],
                until=data["until"],
            )
            if "confirm" in request.POST:
                invalidation = services.invalidate_signatures(
                    criteria, reason=data["reason"], user=request.user
                )
                self._report(request, invalidation)
                return redirect(reverse("admin:petitions_signature_changelist"))
        return self._page(request, form, criteria, preview=True)

    def _page(self, request, form, criteria, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invalidate signatures"),
            "form": form,
            "matching": criteria.queryset().count() if criteria else 0,
            **extra,
        }
        return TemplateResponse(request, "petitions/admin/invalidate.html", context)

    def _report(self, request, invalidation):
        self.message_user(
            request,
            _("%(count)s signatures invalidated. The counts are updated.")
            % {"count": invalidation.signatures_affected},
            messages.SUCCESS,
        )


@admin.register(PetitionTemplate)
class PetitionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title_en", "updated_at"]


@admin.register(PetitionText)
class PetitionTextAdmin(admin.ModelAdmin):
    list_display = ["campaign", "version", "status", "title_en", "created_at", "signatures"]
    list_filter = ["status", "campaign__state"]
    search_fields = ["campaign__name", "title_en", "title_es"]
    raw_id_fields = ["campaign"]
    readonly_fields = ["status", "proposed_by", "reviewed_by", "reviewed_at", "created_at"]
    list_select_related = ["campaign"]
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_signatures=Count("campaign__signatures"))

    @admin.display(description=gettext_lazy("signatures on the campaign"))
    def signatures(self, obj):
        return obj.n_signatures

    def has_change_permission(self, request, obj=None):
        # A text people have signed never changes: a new version is proposed instead.
        if obj is not None and obj.status != PetitionTextStatus.PROPOSED:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=gettext_lazy("Approve the selected proposed versions"))
    def approve(self, request, queryset):
        done = sum(services.approve_petition_text(t, user=request.user) for t in queryset)
        self.message_user(request, _("%(count)s versions approved.") % {"count": done})

    @admin.action(description=gettext_lazy("Reject the selected proposed versions"))
    def reject(self, request, queryset):
        done = sum(services.reject_petition_text(t, user=request.user) for t in queryset)
        self.message_user(request, _("%(count)s versions rejected.") % {"count": done})


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "signing_paused", "milestone_counts"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The counted number depends on milestone_counts: stored tallies follow at once.
        from campaigns.models import Campaign

        from .counting import refresh_tallies

        if "milestone_counts" in form.changed_data:
            refresh_tallies(Campaign.objects.all())


@admin.register(Invalidation)
class InvalidationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "criteria", "signatures_affected", "created_by"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "campaign",
        "delivered_on",
        "received_by",
        "signatures_delivered",
        "recorded_by",
    ]
    list_select_related = ["campaign", "recorded_by"]


@admin.register(ExportAudit)
class ExportAuditAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "campaign", "rows", "description"]
    list_select_related = ["user", "campaign"]


@admin.register(MilestoneNotice)
class MilestoneNoticeAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "threshold", "reached_at"]
    list_select_related = ["campaign"]


@admin.register(CampaignTally)
class CampaignTallyAdmin(ReadOnlyAdmin):
    list_display = [
        "campaign",
        "counted",
        "confirmed",
        "residents",
        "online",
        "paper",
        "updated_at",
    ]
    list_select_related = ["campaign"]
