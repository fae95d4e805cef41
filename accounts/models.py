"""The site's user: an email address is the login (leaders and staff; signers have no account)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """What `createsuperuser` calls. Whoever runs it on the server owns the address: with
        allauth's mandatory verification, an unverified one sent the first staff member to a
        confirm-email page (a mail they might never get) instead of into admin."""
        from allauth.account.models import EmailAddress

        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra_fields)
        EmailAddress.objects.db_manager(self._db).create(
            user=user, email=user.email, verified=True, primary=True
        )
        return user


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # How many campaigns this person may lead at once; staff raise it for trusted organizers.
    max_campaigns = models.PositiveSmallIntegerField(_("campaigns this person may lead"), default=1)
    # The language of the site when they signed up or last took on a campaign: their emails
    # (training reminders, milestones, notices) are written in it.
    language = models.CharField(
        _("language for emails"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    # The page they signed up from (their county's Become a Leader page): they come back to it at
    # their first log-in, even when the confirmation link opens in another browser. Cleared then.
    return_to = models.CharField(_("page to return to"), max_length=300, blank=True, default="")

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email
