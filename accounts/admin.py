"""Staff manage accounts; passwords are never shown."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "max_campaigns", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Leading"), {"fields": ["max_campaigns", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    actions = ["release_all_claims"]

    @admin.action(description=_("Release every campaign the selected people lead"))
    def release_all_claims(self, request, queryset):
        """One person squatting many campaigns: free them all in one step (each campaign reopens)."""
        from campaigns import services
        from campaigns.models import Leadership

        released = 0
        leaderships = Leadership.objects.active().filter(user__in=queryset)
        for leadership in leaderships.select_related("campaign", "user"):
            try:
                services.release_leader(
                    leadership.campaign, by=request.user, leader=leadership.user
                )
            except services.LeaderChangeRefused:
                continue
            released += 1
        self.message_user(request, gettext("Leaders released: %(n)s.") % {"n": released})
