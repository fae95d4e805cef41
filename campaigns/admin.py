"""Staff manage contracts, counties, campaigns and their leaders; actions call the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .forms import MergeForm, OutcomeForm, ReassignForm
from .models import Campaign, Leadership, Target, TrainingStep

# Campaigns, targets, leaders and training (the leader work).


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["role", "name", "office", "address", "phone", "order"]


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
    list_display = ["name", "state", "status", "leader", "merged_into"]
    list_filter = ["status", "state", "signing_paused"]
    search_fields = ["name", "slug", "county__name", "agency__name"]
    list_select_related = ["merged_into"]
    raw_id_fields = ["county", "agency"]
    # States move only through the services (claim, release, outcome, merge, retire).
    readonly_fields = ["status", "outcome_date", "outcome_note", "merged_into", "created_at"]
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
    ]
    inlines = [TargetInline, LeadershipInline]
    actions = ["release_leaders", "retire_campaigns", "reassign_leader", "record_outcome", "merge"]
    change_form_template = "admin/campaigns/campaign/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leaderships")

    @admin.display(description=gettext_lazy("leader"))
    def leader(self, obj):
        active = [lead for lead in obj.leaderships.all() if lead.ended_at is None]
        return active[0].public_name if active else "—"

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
