"""Staff only: signatures (search, export with an audit row, bulk invalidation), petition texts,
paper batches (review with a reason, the sheet's photo), site switches, and read-only records of
deliveries, exports, milestones and signing tables."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.models import Campaign
from config.outbox import enqueue_with_transaction

from . import events, monitoring, tasks, updates
from .errors import MatchesChanged
from .exports import export_signatures_csv
from .forms import InvalidationForm, ReasonForm
from .in_person import accept_paper_batch, reject_paper_batch
from .invalidation import InvalidationCriteria, invalidate_signatures
from .models import (
    CampaignTally,
    CampaignUpdate,
    Delivery,
    DeliveryEvent,
    ExportAudit,
    Invalidation,
    MilestoneNotice,
    PaperBatch,
    PetitionTemplate,
    PetitionText,
    PetitionTextStatus,
    Rsvp,
    Signature,
    SigningTable,
    SiteSettings,
    email_key,
)
from .texts import (
    apply_petition_template,
    approve_petition_text,
    petition_template,
    reject_petition_text,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Pillow's format name -> the content type the photo is sent with (never the uploader's claim).
PHOTO_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIC": "image/heic",
    "HEIF": "image/heif",
}


class PrivatePhotoAdmin(admin.ModelAdmin):
    """A model's `photo` opened from admin only: photos have no public address (MEDIA is never
    served), are checked by content each time and sent with the type Pillow found."""

    def _photo_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_photo"

    def private_photo_link(self, obj):
        if not obj.photo:
            return "–"
        url = reverse(f"admin:{self._photo_url_name()}", args=[obj.pk])
        return format_html('<a href="{}" rel="noopener">{}</a>', url, _("Open the photo"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/photo/",
                self.admin_site.admin_view(self.photo_view),
                name=self._photo_url_name(),
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=pk)
        if not obj.photo:
            raise Http404
        from PIL import Image, UnidentifiedImageError

        try:
            with obj.photo.open("rb") as handle, Image.open(handle) as image:
                content_type = PHOTO_TYPES.get(image.format)
        except (FileNotFoundError, UnidentifiedImageError, OSError):
            raise Http404 from None
        if content_type is None:
            raise Http404
        response = FileResponse(obj.photo.open("rb"), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{self.opts.model_name}-{obj.pk}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


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
    list_filter = [
        "status",
        "method",
        "online_match",
        "visibility",
        "county_resident",
        "keep_updated",
        "campaign__state",
        ("campaign", admin.RelatedOnlyFieldListFilter),
    ]
    # An address typed in also finds the signature whose address was deleted, by its keyed hash.
    search_fields = ["email", "=email_domain", "=zip_code"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign", "petition_text", "paper_batch", "invalidation"]
    date_hierarchy = "created_at"
    # States move only through the services: staff invalidate with a reason, signers withdraw.
    readonly_fields = [
        "uid",
        "campaign",
        "petition_text",
        "email_key",
        "email_domain",
        "status",
        "method",
        "online_match",
        "invalidation",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "unsubscribed_at",
        "purged_at",
    ]
    actions = ["export_csv", "invalidate_selected"]
    show_full_result_count = False
    change_list_template = "admin/petitions/signature/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if "@" in term and " " not in term:
            found |= queryset.filter(email_key=email_key(term))
        return found, may_have_duplicates

    def get_urls(self):
        return [
            path(
                "invalidate/",
                self.admin_site.admin_view(self.invalidate_view),
                name="petitions_signature_invalidate",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_matching_view),
                name="petitions_signature_export",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("Export selected signatures as CSV"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset)

    def export_matching_view(self, request):
        """Every signature the list's current filters and search match, not only one page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._export(request, changelist.get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_query": request.GET.urlencode()}
        return super().changelist_view(request, extra_context)

    def _export(self, request, queryset):
        response = HttpResponse(
            export_signatures_csv(queryset, user=request.user),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="signatures-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=gettext_lazy("Invalidate selected signatures (asks for a reason)"))
    def invalidate_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            invalidation = invalidate_signatures(
                InvalidationCriteria(signature_ids=ids),
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
            self._report(request, invalidation)
            return None
        criteria = InvalidationCriteria(signature_ids=ids)
        return self._page(request, form, criteria, selected=ids, action="invalidate_selected")

    def invalidate_view(self, request):
        """Bulk invalidation by campaign, email domain and time window, with a kept reason.

        Staff first see how many signatures match; the invalidation acts only on that count.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        # The monitor's spike links fill in a campaign, a domain and a window (GET changes nothing).
        fields = ("campaign", "email_domain", "signed_from", "signed_until")
        initial = {name: request.GET[name] for name in fields if name in request.GET}
        form = InvalidationForm(request.POST or None, initial=initial)
        criteria = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            criteria = InvalidationCriteria(
                campaign=data["campaign"],
                email_domain=data["email_domain"],
                signed_from=data["signed_from"],
                signed_until=data["signed_until"],
            )
            if "confirm" in request.POST and data["matching"] is not None:
                try:
                    invalidation = invalidate_signatures(
                        criteria,
                        reason=data["reason"],
                        user=request.user,
                        expected=data["matching"],
                    )
                except MatchesChanged as exc:
                    form.add_error(None, exc.message)
                else:
                    self._report(request, invalidation)
                    return redirect(reverse("admin:petitions_signature_changelist"))
        return self._page(request, form, criteria, preview=True)

    def _page(self, request, form, criteria, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invalidate signatures"),
            "form": form,
            "counted": criteria is not None,
            "matching": criteria.queryset().count() if criteria else 0,
            **extra,
        }
        return TemplateResponse(request, "petitions/admin/invalidate.html", context)

    def _report(self, request, invalidation):
        self.message_user(
            request,
            ngettext(
                "%(count)s signature invalidated. The counts are updated.",
                "%(count)s signatures invalidated. The counts are updated.",
                invalidation.signatures_affected,
            )
            % {"count": invalidation.signatures_affected},
            messages.SUCCESS,
        )


@admin.register(PetitionTemplate)
class PetitionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title_en", "updated_at"]

    def save_model(self, request, obj, form, change):
        previous = petition_template()  # before this save: what campaigns show now
        super().save_model(request, obj, form, change)
        updated = apply_petition_template(obj, previous=previous, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)s campaign with no signatures yet now shows the new text; signed "
                "petitions and texts written for a campaign are unchanged.",
                "%(count)s campaigns with no signatures yet now show the new text; signed "
                "petitions and texts written for a campaign are unchanged.",
                updated,
            )
            % {"count": updated},
        )


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
        done = sum(approve_petition_text(t, user=request.user) for t in queryset)
        self.message_user(
            request,
            ngettext("%(count)s version approved.", "%(count)s versions approved.", done)
            % {"count": done},
        )

    @admin.action(description=gettext_lazy("Reject the selected proposed versions"))
    def reject(self, request, queryset):
        done = sum(reject_petition_text(t, user=request.user) for t in queryset)
        self.message_user(
            request,
            ngettext("%(count)s version rejected.", "%(count)s versions rejected.", done)
            % {"count": done},
        )


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "signing_paused", "milestone_counts"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The counted number depends on milestone_counts: stored tallies follow in a task, queued
        # with the save (every campaign is too much work for the request).
        if "milestone_counts" in form.changed_data:
            enqueue_with_transaction(tasks.recount_every_campaign)


@admin.register(Invalidation)
class InvalidationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "criteria", "signatures_affected", "created_by"]


@admin.register(Delivery)
class DeliveryAdmin(PrivatePhotoAdmin, ReadOnlyAdmin):
    list_display = [
        "campaign",
        "delivered_on",
        "received_by",
        "signatures_delivered",
        "recorded_by",
    ]
    list_select_related = ["campaign", "recorded_by"]
    exclude = ["photo"]
    readonly_fields = ["photo_link"]

    @admin.display(description=gettext_lazy("photo of the delivery"))
    def photo_link(self, obj):
        return self.private_photo_link(obj)


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
        "in_person",
        "updated_at",
    ]
    list_select_related = ["campaign"]


class PaperSignatureInline(admin.TabularInline):
    model = Signature
    fk_name = "paper_batch"
    fields = ["name", "zip_code", "county_resident", "visibility", "status", "possible_duplicate"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaperBatch)
class PaperBatchAdmin(PrivatePhotoAdmin):
    """Sheets leaders typed in: staff accept or reject them with a reason (the counts follow)."""

    list_display = [
        "created_at",
        "campaign",
        "entered_by",
        "entered",
        "counted",
        "status",
        "reviewed_by",
        "has_photo",
    ]
    list_filter = ["status", "campaign__state"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign", "entered_by", "reviewed_by"]
    date_hierarchy = "created_at"
    # The state moves only through accept/reject, which ask for the reason.
    fields = [
        "campaign",
        "entered_by",
        "created_at",
        "attested",
        "photo_link",
        "status",
        "reason",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = fields
    inlines = [PaperSignatureInline]
    actions = ["accept_batches", "reject_batches"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=gettext_lazy("lines"), ordering="entered")
    def entered(self, obj):
        return obj.entered

    @admin.display(description=gettext_lazy("counting"), ordering="counted")
    def counted(self, obj):
        return obj.counted

    @admin.display(description=gettext_lazy("photo"), boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description=gettext_lazy("photo of the sheet"))
    def photo_link(self, obj):
        return self.private_photo_link(obj)

    @admin.action(description=gettext_lazy("Accept the selected sheets (asks for a reason)"))
    def accept_batches(self, request, queryset):
        return self._review(request, queryset, accept_paper_batch, "accept_batches")

    @admin.action(description=gettext_lazy("Reject the selected sheets (asks for a reason)"))
    def reject_batches(self, request, queryset):
        return self._review(request, queryset, reject_paper_batch, "reject_batches")

    def _review(self, request, queryset, service, action):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = sum(
                service(batch, reason=form.cleaned_data["reason"], user=request.user)
                for batch in queryset
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)s sheet changed. The counts and the delivery kit follow.",
                    "%(count)s sheets changed. The counts and the delivery kit follow.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
            return None
        accepting = action == "accept_batches"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Accept paper sheets") if accepting else _("Reject paper sheets"),
            "form": form,
            "batches": list(queryset.select_related("campaign")),
            "selected": list(queryset.values_list("pk", flat=True)),
            "action": action,
            "accepting": accepting,
        }
        return TemplateResponse(request, "petitions/admin/review_batches.html", context)


@admin.register(SigningTable)
class SigningTableAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "campaign", "leader", "expires_at", "ended_at", "signatures"]
    list_select_related = ["campaign", "leader"]
    list_filter = ["campaign__state"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_signatures=Count("signatures"))

    @admin.display(description=gettext_lazy("signatures"), ordering="n_signatures")
    def signatures(self, obj):
        return obj.n_signatures


@admin.register(CampaignUpdate)
class CampaignUpdateAdmin(admin.ModelAdmin):
    """Every update to signers, leaders' and automatic: staff approve, reject or stop them."""

    list_display = ["campaign", "kind", "subject", "status", "created_at", "recipients", "sent"]
    list_filter = ["status", "kind"]
    search_fields = ["campaign__name", "subject"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign"]
    readonly_fields = [
        "campaign",
        "kind",
        "author",
        "subject",
        "body",
        "context",
        "status",
        "approved_by",
        "approved_at",
        "recipients",
        "sent",
        "created_at",
        "finished_at",
    ]
    actions = ["approve", "reject", "stop"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Approve and send the selected updates"))
    def approve(self, request, queryset):
        done = sum(updates.approve_update(u.pk, by=request.user) for u in queryset)
        self.message_user(request, _("%(count)s updates approved.") % {"count": done})

    @admin.action(description=gettext_lazy("Reject the selected updates"))
    def reject(self, request, queryset):
        done = sum(updates.reject_update(u.pk, by=request.user) for u in queryset)
        self.message_user(request, _("%(count)s updates rejected.") % {"count": done})

    @admin.action(description=gettext_lazy("Stop sending the selected updates"))
    def stop(self, request, queryset):
        done = sum(updates.stop_update(u.pk, by=request.user) for u in queryset)
        self.message_user(request, _("%(count)s updates stopped.") % {"count": done})


class RsvpInline(admin.TabularInline):
    """Who is coming: staff see the addresses (to reach them if the delivery changes), leaders
    never do, and nothing here exports them."""

    model = Rsvp
    extra = 0
    can_delete = False
    fields = ["first_name", "email", "language", "source", "created_at", "cancelled_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ReadOnlyAdmin):
    """Every delivery leaders put on the calendar, with its RSVPs; staff may cancel one (everyone
    coming is told, as when the leader cancels)."""

    list_display = ["campaign", "starts_at", "status", "address_private", "coming", "created_by"]
    list_filter = ["status", "address_private"]
    search_fields = ["campaign__name", "meeting_point"]
    list_select_related = ["campaign", "created_by"]
    date_hierarchy = "starts_at"
    inlines = [RsvpInline]
    actions = ["cancel"]

    def get_queryset(self, request):
        active = Count("rsvps", filter=Q(rsvps__cancelled_at__isnull=True))
        return super().get_queryset(request).annotate(coming_count=active)

    @admin.display(description=gettext_lazy("coming"), ordering="coming_count")
    def coming(self, obj):
        return obj.coming_count

    @admin.action(
        description=gettext_lazy("Cancel the selected deliveries and tell everyone coming")
    )
    def cancel(self, request, queryset):
        done = sum(
            events.cancel_delivery(event.campaign, user=request.user) is not None
            for event in queryset.scheduled().select_related("campaign")
        )
        self.message_user(request, _("%(count)s deliveries cancelled.") % {"count": done})


@admin.register(Rsvp)
class RsvpAdmin(ReadOnlyAdmin):
    """RSVPs across campaigns, searchable by address (a person asking to be forgotten)."""

    list_display = [
        "first_name",
        "email",
        "event",
        "language",
        "source",
        "created_at",
        "cancelled_at",
    ]
    list_filter = ["source", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "first_name", "event__campaign__name"]
    list_select_related = ["event__campaign"]
    exclude = ["email_key", "uid"]


def signing_monitor(request):
    """Staff only (admin_view: staff with two-factor): activity per hour and spikes, to spot floods."""
    campaign = None
    campaign_id = request.GET.get("campaign", "")
    if campaign_id.isdigit():
        campaign = Campaign.objects.filter(pk=int(campaign_id)).first()
    site = SiteSettings.load()
    context = {
        **admin.site.each_context(request),
        "campaign": campaign,
        "hourly": monitoring.hourly_counts(campaign_id=campaign.pk if campaign else None),
        "busiest": monitoring.busiest_campaigns(),
        "spikes": monitoring.spikes(),
        # Where a spike's "invalidate" link starts its window (the hour the spike counts).
        "hour_ago": f"{timezone.localtime() - timedelta(hours=1):%Y-%m-%d %H:%M:%S}",
        "site_paused": site.signing_paused,
        "settings_url": reverse("admin:petitions_sitesettings_change", args=[site.pk]),
    }
    response = render(request, "admin/petitions/monitor.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _with_signing_monitor(site_urls):
    """The monitor at ADMIN_URL + signing-activity/, beside admin's own pages."""

    def get_urls():
        monitor = path(
            "signing-activity/", admin.site.admin_view(signing_monitor), name="signing_monitor"
        )
        return [monitor, *site_urls()]

    return get_urls


admin.site.get_urls = _with_signing_monitor(admin.site.get_urls)
