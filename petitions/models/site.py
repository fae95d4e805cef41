"""The switches staff flip in admin for the whole site (one row)."""

from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class SiteSettings(models.Model):
    """Switches staff flip in admin that take effect at once (one row)."""

    class MilestoneCounts(models.TextChoices):
        ALL = "all", _("All confirmed signatures")
        RESIDENTS = "residents", _("County residents only")

    signing_paused = models.BooleanField(_("pause signing on every campaign"), default=False)
    milestone_counts = models.CharField(
        _("what counts toward the goal"),
        max_length=20,
        choices=MilestoneCounts.choices,
        default=MilestoneCounts.ALL,
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        # A request that read the old row before this commit may have cached it again.
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))

    CACHE_KEY = "petitions:site-settings"

    @classmethod
    def load(cls) -> "SiteSettings":
        """The one row, through the shared cache: read on every signature, changed rarely.

        Saving clears it for every app server at once (the cache is shared), so a pause still
        takes effect on the next request; the timeout only bounds a change made behind the ORM.
        """
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, 60)
        return obj
