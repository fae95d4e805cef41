"""Staff review leaders' proposed contact details for decision-makers, and see the click counts."""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import press
from .models import PressClick, TargetContactProposal


@admin.register(TargetContactProposal)
class TargetContactProposalAdmin(admin.ModelAdmin):
    list_display = ["target", "campaign", "status", "phone", "email", "meeting_next", "created_at"]
    list_filter = ["status", "target__campaign__state"]
    search_fields = ["target__name", "target__office", "target__campaign__name"]
    list_select_related = ["target__campaign"]
    raw_id_fields = ["target"]
    readonly_fields = ["status", "proposed_by", "reviewed_by", "reviewed_at", "created_at"]
    actions = ["approve", "reject"]

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, obj):
        return obj.target.campaign

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Staff may correct a proposal before approving it; a reviewed one is a record.
        if obj is not None and obj.status != press.ProposalStatus.PROPOSED:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=gettext_lazy("Approve: copy the details onto the target"))
    def approve(self, request, queryset):
        done = sum(press.approve_target_contact(p, user=request.user) for p in queryset)
        self.message_user(request, _("%(count)s proposals approved.") % {"count": done})

    @admin.action(description=gettext_lazy("Reject the selected proposals"))
    def reject(self, request, queryset):
        done = sum(press.reject_target_contact(p, user=request.user) for p in queryset)
        self.message_user(request, _("%(count)s proposals rejected.") % {"count": done})


@admin.register(PressClick)
class PressClickAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "day", "count"]
    list_filter = ["kind", "campaign__state"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
