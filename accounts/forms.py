"""allauth's sign-up form with its honeypot made to work under the site's strict CSP."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth hides its honeypot with an inline style, which the CSP blocks (the field would
        # show): templates/account/_fields.html hides it with a class instead.
        name = settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD
        if name in self.fields:
            field = self.fields[name]
            field.label = _("Leave this field empty")
            field.widget.attrs = {"autocomplete": "off", "tabindex": "-1"}
            field.is_honeypot = True
