"""The people who log in: leaders and staff (signers have no account)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's own app is also called "Accounts" in admin: two sections of one name confused staff.
    verbose_name = _("Leaders and staff")

    def ready(self):
        from config.ratelimit import use_ratelimit_cache_for_allauth

        use_ratelimit_cache_for_allauth()

        from . import notifications  # noqa: F401 - connects the receivers
