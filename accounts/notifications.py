"""Changes to an account that its address is told of, beyond the ones allauth sends itself."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.signals import email_added
from django.dispatch import receiver


@receiver(email_added, sender=EmailAddress)
def tell_the_account_of_an_added_address(sender, request, user, email_address, **kwargs):
    """A second address can take the account through a password reset: the first one hears of it.

    (allauth tells the old address when the primary one changes, not when one is added.)
    """
    primary = EmailAddress.objects.get_primary_email(user)
    if primary and primary.lower() != email_address.email.lower():
        get_adapter(request).send_notification_mail(
            "account/email/email_added", user, {"added_email": email_address.email}, primary
        )
