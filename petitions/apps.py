from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions and signatures")

    def ready(self):
        # Signers hear of their campaign's delivery plan and outcome (campaigns' signals).
        from . import updates  # noqa: F401
