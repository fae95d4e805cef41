"""Staff powers (admin and the staff paths of the leader's pages) need two-factor authentication;
admin's login goes through allauth's rate limits."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def staff_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def acts_as_staff(user) -> bool:
    """The one rule for every staff power, in admin and outside it: an active staff account with
    TOTP when ADMIN_REQUIRE_MFA is on. Staff without it are treated like anyone else."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return not settings.ADMIN_REQUIRE_MFA or staff_has_mfa(user)


def protect_admin(site):
    """Route admin login through allauth (rate limited) and require TOTP for staff."""

    original_has_permission = site.has_permission

    def has_permission(request):
        return original_has_permission(request) and acts_as_staff(request.user)

    site.has_permission = has_permission

    original_login = site.login

    @wraps(original_login)
    def login(request, extra_context=None):
        user = request.user
        next_url = request.GET.get("next") or reverse("admin:index")
        if (
            user.is_authenticated
            and user.is_staff
            and settings.ADMIN_REQUIRE_MFA
            and not staff_has_mfa(user)
        ):
            messages.warning(
                request, _("Staff must turn on two-factor authentication to use admin.")
            )
            return redirect("mfa_activate_totp")
        if user.is_authenticated and not user.is_staff:
            messages.error(request, _("This account has no access to admin."))
            return redirect("/")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

    site.login = login
    site.site_header = "End 287(g) staff"
    site.site_title = "End 287(g) staff"
    site.index_title = "Contracts, campaigns and signatures"
