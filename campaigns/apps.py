from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Contracts and campaigns")

    def warm_up(self):
        """Called by gunicorn's master before it forks (gunicorn.conf.py when_ready)."""
        from .geography import warm_up

        warm_up()
