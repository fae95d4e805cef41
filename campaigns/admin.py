"""Staff manage contracts, counties, campaigns and their leaders; actions call the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields as ie_fields
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV

from config.spreadsheets import neutralize
from petitions.models import SignatureStatus

from . import (
    list_imports,
    press_admin,  # noqa: F401  (registers the proposals and click counts)
    services,
)
from . import upload as contract_upload
from .forms import MergeForm, OutcomeForm, ReassignForm
from .ice_lists import Change, model_label
from .importing import ImportFileError
from .models import (
    HEAD_ROLES,
    Agency,
    Campaign,
    CoLeaderInvitation,
    CoLeadership,
    Contract,
    ContractImport,
    ContractImportStatus,
    County,
    Leadership,
    Target,
    TrainingStep,
)

# Campaigns, targets, leaders and training (the leader work).


class TargetFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        campaign = self.instance
        if campaign.pk or not (campaign.county_id or campaign.agency_id):
            return
        if services.agencies_to_address(campaign).exists():
            return  # the sheriff or agency head is named from the agency on save
        heads = [
            f
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("role") in HEAD_ROLES
        ]
        if not heads:
            raise ValidationError(
                gettext_lazy(
                    "No agency of this county is on file: add the sheriff or the head of the "
                    "agency as a target, so that the petition is addressed to someone."
                )
            )


class TargetInline(admin.StackedInline):
    # Stacked, two fields a row: as a table, six columns beside admin's sidebar ran past a
    # 1280 px screen and hid the address and phone.
    model = Target
    formset = TargetFormSet
    extra = 0
    fields = [
        ("role", "order"),
        ("name", "office"),
        "address",
        ("phone", "email"),
        ("website", "meeting_next"),
        "meeting",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "address":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LeadershipInline(admin.TabularInline):
    """Every leader the campaign has had: a record, changed only through the buttons above."""

    model = Leadership
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "public_name",
        "user",
        "claimed_at",
        "assigned_by",
        "training_completed_at",
        "ended_at",
        "end_reason",
        "ended_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "status", "leader", "signature_count", "merged_into"]
    list_filter = ["status", "state", "signing_paused"]
    search_fields = ["name", "slug", "county__name", "agency__name"]
    list_select_related = ["merged_into"]
    raw_id_fields = ["county", "agency"]
    # States move only through the services (claim, release, outcome, merge, retire).
    readonly_fields = [
        "status",
        "outcome_date",
        "outcome_note",
        "merged_into",
        "created_at",
        "co_leaders",
    ]
    fields = [
        "name",
        "state",
        "slug",
        "county",
        "agency",
        "status",
        "outcome_date",
        "outcome_note",
        "merged_into",
        "signing_paused",
        "paper_counts",
        "rate_limit_boost",
        "created_at",
        "co_leaders",
    ]
    inlines = [TargetInline, LeadershipInline]
    actions = ["release_leaders", "retire_campaigns", "reassign_leader", "record_outcome", "merge"]
    change_form_template = "admin/campaigns/campaign/change_form.html"

    def get_queryset(self, request):
        # Confirmed signatures counted in the list's own query (admin may combine both apps).
        confirmed = Count("signatures", filter=Q(signatures__status=SignatureStatus.CONFIRMED))
        return (
            super()
            .get_queryset(request)
            .annotate(signature_count=confirmed)
            .prefetch_related("leaderships")
        )

    @admin.display(description=gettext_lazy("confirmed signatures"), ordering="signature_count")
    def signature_count(self, obj):
        return obj.signature_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # After staff's own targets are saved: name the rest, then render the petition.
            services.set_up_campaign(form.instance)

    @admin.display(description=gettext_lazy("leader"))
    def leader(self, obj):
        active = [lead for lead in obj.leaderships.all() if lead.ended_at is None]
        return active[0].public_name if active else "—"

    @admin.display(description=gettext_lazy("co-leaders"))
    def co_leaders(self, obj):
        """The current leader's co-leaders and waiting invitations (staff see the addresses)."""
        if not obj.pk:
            return "—"
        active = CoLeadership.objects.active().filter(
            leadership__campaign=obj, leadership__ended_at__isnull=True
        )
        pending = CoLeaderInvitation.objects.pending().filter(
            leadership__campaign=obj, leadership__ended_at__isnull=True
        )
        lines = [f"{c.public_name} <{c.user.email}>" for c in active.select_related("user")]
        lines += [_("%(email)s (invited)") % {"email": i.email} for i in pending]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/leader/reassign/",
                view(self.reassign_view),
                name="campaigns_campaign_reassign",
            ),
            path(
                "<int:pk>/leader/release/",
                view(self.release_view),
                name="campaigns_campaign_release",
            ),
            path("<int:pk>/outcome/", view(self.outcome_view), name="campaigns_campaign_outcome"),
            path("<int:pk>/merge/", view(self.merge_view), name="campaigns_campaign_merge"),
            path("<int:pk>/retire/", view(self.retire_view), name="campaigns_campaign_retire"),
            *super().get_urls(),
        ]

    # Actions on the list: bulk ones act at once, the others open the form for one campaign.

    @admin.action(description=gettext_lazy("Release the leader of the selected campaigns"))
    def release_leaders(self, request, queryset):
        released = 0
        for campaign in queryset:
            try:
                services.release_leader(campaign, by=request.user)
                released += 1
            except services.LeaderChangeRefused:
                continue
        self.message_user(request, _("Leaders released: %(n)s.") % {"n": released})

    @admin.action(description=gettext_lazy("Retire the selected campaigns (closed)"))
    def retire_campaigns(self, request, queryset):
        for campaign in queryset:
            services.retire_campaign(campaign, by=request.user)
        self.message_user(request, _("Campaigns retired: %(n)s.") % {"n": queryset.count()})

    def _one(self, request, queryset, url_name):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one campaign."), messages.WARNING)
            return None
        return redirect(f"admin:{url_name}", queryset.get().pk)

    @admin.action(description=gettext_lazy("Reassign the leader (one campaign)"))
    def reassign_leader(self, request, queryset):
        return self._one(request, queryset, "campaigns_campaign_reassign")

    @admin.action(description=gettext_lazy("Record the outcome (one campaign)"))
    def record_outcome(self, request, queryset):
        return self._one(request, queryset, "campaigns_campaign_outcome")

    @admin.action(description=gettext_lazy("Merge into another campaign (one campaign)"))
    def merge(self, request, queryset):
        return self._one(request, queryset, "campaigns_campaign_merge")

    # The form views behind the buttons on a campaign's page.

    def _campaign(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def _render(self, request, campaign, *, title, submit_label, form=None, explanation=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "campaign": campaign,
            "leader": campaign.leaderships.active().select_related("user").first(),
            "title": title,
            "submit_label": submit_label,
            "form": form,
            "explanation": explanation,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/leader_action.html", context)

    def _done(self, request, campaign, message):
        self.message_user(request, message, messages.SUCCESS)
        return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    def reassign_view(self, request, pk):
        campaign = self._campaign(request, pk)
        form = ReassignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.reassign_leader(
                    campaign,
                    to_user=form.user,
                    public_name=form.cleaned_data["public_name"],
                    by=request.user,
                )
            except services.LeaderChangeRefused as exc:
                form.add_error(None, exc.message)
            else:
                return self._done(request, campaign, _("Leader reassigned."))
        return self._render(
            request,
            campaign,
            title=_("Reassign leader"),
            submit_label=_("Reassign"),
            form=form,
            explanation=_(
                "The current leadership ends as reassigned; the new leader gets the dashboard and "
                "the usual training deadline. Their limit of campaigns still applies."
            ),
        )

    def release_view(self, request, pk):
        campaign = self._campaign(request, pk)
        if request.method == "POST":
            try:
                services.release_leader(campaign, by=request.user)
            except services.LeaderChangeRefused as exc:
                self.message_user(request, exc.message, messages.WARNING)
                return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
            return self._done(request, campaign, _("Leader released; the campaign is open."))
        return self._render(
            request,
            campaign,
            title=_("Release leader"),
            submit_label=_("Release"),
            explanation=_("The campaign opens again for anyone to claim."),
        )

    def outcome_view(self, request, pk):
        campaign = self._campaign(request, pk)
        initial = {
            "status": campaign.status,
            "outcome_date": campaign.outcome_date,
            "outcome_note": campaign.outcome_note,
        }
        form = OutcomeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.record_outcome(
                campaign,
                status=form.cleaned_data["status"],
                outcome_date=form.cleaned_data["outcome_date"],
                note=form.cleaned_data["outcome_note"],
                by=request.user,
            )
            return self._done(request, campaign, _("Outcome recorded."))
        return self._render(
            request, campaign, title=_("Record outcome"), submit_label=_("Save"), form=form
        )

    def merge_view(self, request, pk):
        campaign = self._campaign(request, pk)
        form = MergeForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            try:
                services.merge_campaigns(campaign, into=form.cleaned_data["into"], by=request.user)
            except services.CampaignChangeRefused as exc:
                form.add_error(None, str(exc))
            else:
                return self._done(request, campaign, _("Campaign merged."))
        return self._render(
            request,
            campaign,
            title=_("Merge campaign"),
            submit_label=_("Merge"),
            form=form,
            explanation=_(
                "Its page will redirect to the other campaign and its leader's term ends. "
                "Signatures stay with the text people signed."
            ),
        )

    def retire_view(self, request, pk):
        campaign = self._campaign(request, pk)
        if request.method == "POST":
            services.retire_campaign(campaign, by=request.user)
            return self._done(request, campaign, _("Campaign retired."))
        return self._render(
            request,
            campaign,
            title=_("Retire campaign"),
            submit_label=_("Retire"),
            explanation=_(
                "The campaign is closed and leaves the public lists; its leader is freed."
            ),
        )


@admin.register(Leadership)
class LeadershipAdmin(admin.ModelAdmin):
    """The record of every change of leader: read-only, changed through the campaign's buttons."""

    list_display = [
        "public_name",
        "campaign",
        "user",
        "claimed_at",
        "training_completed_at",
        "ended_at",
        "end_reason",
        "ended_by",
        "assigned_by",
    ]
    list_filter = ["end_reason", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["public_name", "user__email", "campaign__name"]
    list_select_related = ["campaign", "user", "ended_by", "assigned_by"]
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoLeadership)
class CoLeadershipAdmin(admin.ModelAdmin):
    """Who helps lead which campaign, and since when: a record, changed only by the leader's team
    page (or ended with the leader's term)."""

    list_display = [
        "public_name",
        "user",
        "campaign",
        "seat",
        "started_at",
        "ended_at",
        "end_reason",
        "ended_by",
    ]
    list_filter = ["end_reason", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["public_name", "user__email", "leadership__campaign__name"]
    list_select_related = ["leadership__campaign", "user", "ended_by"]

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, obj):
        return obj.leadership.campaign

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoLeaderInvitation)
class CoLeaderInvitationAdmin(admin.ModelAdmin):
    """The leaders' invitations: to whom, in which language, and what became of them."""

    list_display = [
        "email",
        "campaign",
        "language",
        "created_at",
        "expires_at",
        "accepted_at",
        "cancelled_at",
    ]
    search_fields = ["email", "leadership__campaign__name"]
    list_select_related = ["leadership__campaign"]
    exclude = ["uid"]

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, obj):
        return obj.leadership.campaign

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "office", "campaign", "phone"]
    list_filter = ["role", "campaign__state"]
    search_fields = ["name", "office", "campaign__name"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign"]


@admin.register(TrainingStep)
class TrainingStepAdmin(admin.ModelAdmin):
    list_display = ["order", "title_en", "title_es"]
    list_display_links = ["title_en"]
    prepopulated_fields = {"slug": ["title_en"]}


# Contracts, agencies and counties (the data staff curate and import).


class SpreadsheetSafeResource(resources.ModelResource):
    """Neutralise cells a spreadsheet would run as a formula (= + - @, tab, CR): prefix with '."""

    def export_field(self, field, instance, **kwargs):
        return neutralize(super().export_field(field, instance, **kwargs))


class ContractResource(SpreadsheetSafeResource):
    """The export's columns are the import's, so an exported list imports again unchanged."""

    state = ie_fields.Field(attribute="agency__state", column_name="state")
    agency = ie_fields.Field(attribute="agency__name", column_name="agency")
    agency_type = ie_fields.Field(attribute="agency__agency_type", column_name="agency_type")
    county = ie_fields.Field(attribute="agency__county__name", column_name="county")
    fips = ie_fields.Field(attribute="agency__county_id", column_name="fips")

    class Meta:
        model = Contract
        fields = [
            "state",
            "agency",
            "agency_type",
            "county",
            "fips",
            "model",
            "signed_date",
            "expires",
            "status",
            "status_changed",
            "source",
        ]
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("agency", "agency__county")


class ExpiryYearFilter(admin.SimpleListFilter):
    title = gettext_lazy("expiry year")
    parameter_name = "expiry_year"
    NONE = "none"

    def lookups(self, request, model_admin):
        years = (
            Contract.objects.exclude(expires=None)
            .dates("expires", "year", order="DESC")
            .values_list("expires__year", flat=True)
        )
        return [*((str(y), str(y)) for y in years), (self.NONE, gettext_lazy("No end date"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(expires=None)
        if value and value.isdigit() and len(value) == 4:
            return queryset.filter(expires__year=int(value))
        return queryset


class UnlistedFilter(admin.SimpleListFilter):
    title = gettext_lazy("on ICE's list")
    parameter_name = "unlisted"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Not on ICE's newest list, not confirmed ended"))]

    def queryset(self, request, queryset):
        return queryset.unlisted() if self.value() == "yes" else queryset


@admin.register(Contract)
class ContractAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "state",
        "county",
        "agency",
        "model",
        "signed_date",
        "expires",
        "status",
        "unlisted_since",
    ]
    actions = ["confirm_ended"]
    list_filter = [
        ("agency__state", admin.AllValuesFieldListFilter),
        "model",
        "status",
        UnlistedFilter,
        ExpiryYearFilter,
    ]
    # search_text is folded ("dona ana", "texas"), so a search for a state's name works too.
    search_fields = ["agency__name", "agency__county__name", "agency__state", "agency__search_text"]
    list_select_related = ["agency", "agency__county"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at", "updated_at"]
    resource_classes = [ContractResource]
    export_formats = [CSV]
    skip_export_form = True  # the Export button downloads the filtered list at once
    import_export_change_list_template = "admin/campaigns/contract/change_list.html"

    @admin.display(description=gettext_lazy("state"), ordering="agency__state")
    def state(self, obj):
        return obj.agency.state

    def save_model(self, request, obj, form, change):
        # The form has already put the new status on obj: move it through the model, which dates
        # the change, unless staff gave the date themselves.
        if change and "status" in form.changed_data and "status_changed" not in form.changed_data:
            new_status, obj.status = obj.status, form.initial["status"]
            obj.set_status(new_status)
        super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("county"), ordering="agency__county__name")
    def county(self, obj):
        return obj.agency.county.name if obj.agency.county_id else "—"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="campaigns_contract_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload: the file is kept as a staged import, and staff read its summary next."""
        if not _may_import(self, request):
            raise PermissionDenied
        form = contract_upload.ContractUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                staged = list_imports.stage_import(
                    form.content, form.cleaned_data["file"].name, by=request.user
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("admin:campaigns_contractimport_summary", staged.pk)
        return TemplateResponse(
            request,
            "admin/campaigns/contract/import_upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Import contracts"),
                "max_mb": contract_upload.MAX_BYTES // (1024 * 1024),
                "form": form,
            },
        )

    @admin.action(description=gettext_lazy("Confirm that the selected agreements ended"))
    def confirm_ended(self, request, queryset):
        ended = sum(list_imports.confirm_ended(contract) for contract in queryset)
        self.message_user(
            request,
            _(
                "Agreements confirmed ended: %(n)s. Only agreements no longer on ICE's list can "
                "be confirmed ended this way."
            )
            % {"n": ended},
        )


def _may_import(model_admin, request) -> bool:
    contract_admin = model_admin.admin_site.get_model_admin(Contract)
    return contract_admin.has_add_permission(request) and contract_admin.has_change_permission(
        request
    )


SUMMARY_PAGE_SIZE = 50


@admin.register(ContractImport)
class ContractImportAdmin(admin.ModelAdmin):
    """Every uploaded list: its summary, and who confirmed it. Changed only by confirming."""

    list_display = ["name", "listed_on", "status", "uploaded_by", "uploaded_at", "applied_by"]
    list_filter = ["status"]
    fields = [
        "name",
        "listed_on",
        "status",
        "uploaded_by",
        "uploaded_at",
        "applied_by",
        "applied_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/summary/",
                self.admin_site.admin_view(self.summary_view),
                name="campaigns_contractimport_summary",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:campaigns_contractimport_summary", object_id)

    def summary_view(self, request, pk):
        """The summary of one upload, paged and filtered; the confirm and discard buttons."""
        if not _may_import(self, request):
            raise PermissionDenied
        staged = get_object_or_404(ContractImport, pk=pk)
        if request.method == "POST":
            return self._act(request, staged)
        summary = staged.summary
        kind = request.GET.get("kind", "")
        kind = kind if kind in Change.LABELS else ""
        states = sorted({c["state"] for c in summary.get("changes", []) if c["state"]})
        state = request.GET.get("state", "").upper()
        state = state if state in states else ""
        changes = [
            {**c, "label": Change.LABELS[c["kind"]], "models_label": model_label(c["models"])}
            for c in summary.get("changes", [])
            if (not kind or c["kind"] == kind) and (not state or c["state"] == state)
        ]
        page = Paginator(changes, SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
        counts = summary.get("counts", {})
        return TemplateResponse(
            request,
            "admin/campaigns/contract/import_summary.html",
            {
                **self.admin_site.each_context(request),
                "opts": Contract._meta,
                "title": _("Check the import"),
                "staged": staged,
                "summary": summary,
                "kinds": [(k, label, counts.get(k, 0)) for k, label in Change.LABELS.items()],
                "kind": kind,
                "states": states,
                "state": state,
                "page": page,
                "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
                "matching": len(changes),
                "may_confirm": staged.status == ContractImportStatus.STAGED
                and not counts.get(Change.REJECTED),
                "query": urlencode({k: v for k, v in (("kind", kind), ("state", state)) if v}),
            },
        )

    def _act(self, request, staged):
        if "discard" in request.POST:
            list_imports.discard_import(staged.pk)
            self.message_user(request, _("The upload was discarded."), messages.INFO)
            return redirect("admin:campaigns_contract_import")
        try:
            report = list_imports.confirm_import(staged.pk, by=request.user)
        except list_imports.ImportRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return redirect("admin:campaigns_contractimport_summary", staged.pk)
        self.message_user(
            request,
            _("Imported %(name)s: %(summary)s.")
            % {"name": staged.name, "summary": report.summary()},
            messages.SUCCESS,
        )
        return redirect("admin:campaigns_contract_changelist")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    # Staff correct a placement here; the import then leaves it (see services._save_agencies).
    fields = ["name", "agency_type", "state", "jurisdiction", "county", "city"]
    list_display = ["name", "agency_type", "state", "jurisdiction", "county", "city"]
    list_filter = ["jurisdiction", "agency_type", ("state", admin.AllValuesFieldListFilter)]
    search_fields = ["name", "county__name", "city", "state", "search_text"]
    list_select_related = ["county"]
    autocomplete_fields = ["county"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "fips"]
    list_filter = [("state", admin.AllValuesFieldListFilter)]
    search_fields = ["name", "fips", "state"]
