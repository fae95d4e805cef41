"""The delivery event's forms: the leader's schedule and the public RSVP."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import fields_helper, honeypot

from .forms import clean_name, email_field, website_field

# ISO values whatever the language: the browser's date and time pickers send and read these.
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"


class DeliveryEventForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "class": "form-control"}),
        error_messages={"invalid": _("Enter the date as year, month and day.")},
    )
    time = forms.TimeField(
        label=_("Time"),
        input_formats=[TIME_FORMAT, "%H:%M:%S"],
        widget=forms.TimeInput(format=TIME_FORMAT, attrs={"type": "time", "class": "form-control"}),
        error_messages={"invalid": _("Enter the time as hours and minutes, for example 10:30.")},
    )
    meeting_point = forms.CharField(
        label=_("Meeting point"),
        max_length=300,
        help_text=_("Where people meet before walking in together, for example a café or a park."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    address_private = forms.BooleanField(
        label=_("Show the meeting point only to people who RSVP (it is sent to them by email)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    bring = forms.CharField(
        label=_("What to bring"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    safety_notes = forms.CharField(
        label=_("Safety notes"),
        required=False,
        max_length=2000,
        help_text=_(
            "For example: no one has to give their name at the front desk; come with a friend."
        ),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args, zone, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)
        self.fields["time"].help_text = _("Local time (%(zone)s).") % {"zone": zone.key}
        self.helper = fields_helper()

    @classmethod
    def initial_for(cls, event, zone) -> dict:
        if event is None:
            return {}
        local = event.starts_at.astimezone(zone)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "meeting_point": event.meeting_point,
            "address_private": event.address_private,
            "bring": event.bring,
            "safety_notes": event.safety_notes,
        }

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        return datetime.combine(data["date"], data["time"], tzinfo=self.zone)


class RsvpForm(forms.Form):
    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=50,
        help_text=_("The leader sees your first name and nothing else."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "class": "form-control"}),
        error_messages={"required": _("Enter your first name.")},
    )
    email = email_field(
        help_text=_("We send you the details and a calendar file, and a reminder the day before."),
        required_message=_("Enter your email address, so we can send you the details."),
    )
    website = website_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper("first_name", "email", honeypot("website"))

    def clean_first_name(self):
        return clean_name(self.cleaned_data["first_name"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())
