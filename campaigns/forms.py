"""Forms for leaders and staff: the commitment, training, delivery plan, petition text, admin changes."""

from crispy_forms.layout import Fieldset
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from config.forms import fields_helper, honeypot

from .models import Campaign, CampaignStatus, TargetContactProposal

# Django marks invalid fields with aria-invalid and links help and error text by aria-describedby.
CHECKBOX = forms.CheckboxInput(attrs={"class": "form-check-input"})


class CommitmentForm(forms.Form):
    promote = forms.BooleanField(label=_("I will promote the campaign."), widget=CHECKBOX)
    gather = forms.BooleanField(label=_("I will gather signatures."), widget=CHECKBOX)
    deliver = forms.BooleanField(
        label=_("I will deliver them to the sheriff's office."), widget=CHECKBOX
    )
    public_name = forms.CharField(
        label=_("Your name as shown on the campaign page"),
        max_length=60,
        help_text=_(
            "Your first name or an organizing name (for example “Galveston Neighbors”). "
            "Leaders can be at risk too: you do not have to use your full name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "class": "form-control"}),
    )
    # Left empty by people (it is hidden); bots fill every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(
            Fieldset(_("Your commitment"), "promote", "gather", "deliver", css_class="mb-3"),
            "public_name",
            honeypot("website"),
        )
        self.fields["promote"].error_messages["required"] = _(
            "Tick the box to commit to promoting the campaign."
        )
        self.fields["gather"].error_messages["required"] = _(
            "Tick the box to commit to gathering signatures."
        )
        self.fields["deliver"].error_messages["required"] = _(
            "Tick the box to commit to delivering the signatures."
        )
        self.fields["public_name"].error_messages["required"] = _(
            "Enter the name to show on the campaign page."
        )

    def clean_public_name(self):
        name = " ".join(self.cleaned_data["public_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the name to show on the campaign page."))
        return name

    def clean_website(self):
        # The person is logged in, so there is no one to fool: say plainly what went wrong (a
        # browser's autofill can fill a hidden field too) rather than fake a success.
        if self.cleaned_data["website"].strip():
            raise forms.ValidationError(
                _("Leave the hidden field “Leave this field empty” empty, then send again.")
            )
        return ""

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class DeliveryPlanForm(forms.Form):
    planned_on = forms.DateField(
        label=_("Planned delivery date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text=_("Leave empty if you do not have a date yet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


def _in(language: str, widget: type[forms.Widget], **attrs) -> forms.Widget:
    # lang on each field: screen readers pronounce it and browsers spell-check it in its language.
    return widget(attrs={"class": "form-control", "lang": language, **attrs})


class PetitionTextForm(forms.Form):
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=200, widget=_in("en", forms.TextInput)
    )
    body_en = forms.CharField(label=_("Text (English)"), widget=_in("en", forms.Textarea, rows=8))
    title_es = forms.CharField(
        label=_("Title (Spanish)"), max_length=200, widget=_in("es", forms.TextInput)
    )
    body_es = forms.CharField(label=_("Text (Spanish)"), widget=_in("es", forms.Textarea, rows=8))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(
            Fieldset(_("English"), "title_en", "body_en"),
            Fieldset(_("Spanish"), "title_es", "body_es"),
        )


class ReassignForm(forms.Form):
    email = forms.EmailField(label=_("Email of the new leader's account"))
    public_name = forms.CharField(label=_("Public name"), max_length=60)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account has this email. The person must sign up first.")
            )
        self.user = user
        return email


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in CampaignStatus.OUTCOMES],
    )
    outcome_date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    outcome_note = forms.CharField(
        label=_("What happened (shown on the campaign page)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"), queryset=Campaign.objects.filter(merged_into__isnull=True)
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Campaign.objects.filter(merged_into__isnull=True, state=campaign.state)
            .exclude(pk=campaign.pk)
            .order_by("name")
        )


class TargetContactForm(forms.ModelForm):
    """A leader's proposed public contact details for a decision-maker (staff review them)."""

    class Meta:
        model = TargetContactProposal
        fields = ["phone", "email", "address", "website", "meeting", "meeting_next", "note"]
        widgets = {
            "phone": forms.TextInput(attrs={"class": "form-control", "type": "tel"}),
            "email": forms.EmailInput(attrs={"class": "form-control"}),
            "address": forms.Textarea(attrs={"class": "form-control", "rows": 3}),
            "website": forms.URLInput(attrs={"class": "form-control"}),
            "meeting": forms.TextInput(attrs={"class": "form-control"}),
            "meeting_next": forms.DateInput(
                attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"
            ),
            "note": forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        }
        labels = {"note": _("Where you found these details")}
        help_texts = {
            "meeting": _("For example: County Commissioners Court, 1st and 3rd Monday, 9 a.m."),
            "note": _("A public source staff can check: the office's website, a meeting agenda."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class CoLeaderInviteForm(forms.Form):
    """The leader invites a co-leader: their email address and the language to write to them in."""

    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("They accept by logging in or signing up with this same address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "class": "form-control"}),
    )
    language = forms.ChoiceField(
        label=_("Write the invitation in"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper("email", "language")
