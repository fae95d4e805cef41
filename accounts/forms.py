"""allauth's sign-up form: its honeypot made to work under the site's strict CSP, and the password
rule said in one plain sentence instead of Django's list of validators."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.forms import fields_helper, honeypot


class SignupForm(AllauthSignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields:
            self.fields["password1"].help_text = password_rule()
        # allauth hides its honeypot with an inline style, which the CSP blocks (the field would
        # show): its layout hides it with a class instead.
        name = settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD
        if name in self.fields:
            field = self.fields[name]
            field.label = _("Leave this field empty")
            field.widget.attrs = {"autocomplete": "off", "tabindex": "-1"}
        self.helper = fields_helper(
            *(other for other in self.fields if other != name),
            *([honeypot(name)] if name in self.fields else []),
        )


def password_rule() -> str:
    """What AUTH_PASSWORD_VALIDATORS ask, in the active language, with their minimum length."""
    length = next(
        (
            v.min_length
            for v in password_validation.get_default_password_validators()
            if isinstance(v, password_validation.MinimumLengthValidator)
        ),
        8,
    )
    return gettext(
        "Use at least %(length)s characters: not only numbers, not a common password, "
        "and not close to your email address."
    ) % {"length": length}
