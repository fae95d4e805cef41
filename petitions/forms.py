"""The sign form, paper sheets and the signing table, the delivery record and staff's bulk
invalidation: validation and messages."""

import re

from django import forms
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.geography import zip_is_known
from campaigns.models import Campaign
from config.forms import fields_helper, honeypot

from .models import PHOTO_EXTENSIONS, Visibility

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = set(PHOTO_EXTENSIONS)
SOURCE_RE = re.compile(r"[a-z0-9_-]{1,20}")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def clean_name(name: str) -> str:
    if CONTROL_CHARS.search(name) or not name.isprintable():
        raise forms.ValidationError(_("Use only letters, spaces and punctuation in your name."))
    name = " ".join(name.split())
    if not name:
        raise forms.ValidationError(_("Enter your name."))
    return name


def clean_zip_code(value: str) -> str:
    value = value.strip()
    # ZIP+4 is fine: only the first five digits are kept.
    if re.fullmatch(r"\d{5}-\d{4}", value):
        value = value[:5]
    if not re.fullmatch(r"\d{5}", value, flags=re.ASCII):
        raise forms.ValidationError(_("Enter your 5-digit ZIP code, for example 77550."))
    if not zip_is_known(value):
        raise forms.ValidationError(
            _("We do not know the ZIP code %(zip)s. Check it and try again."),
            params={"zip": value},
        )
    return value


class SignForm(forms.Form):
    """Name, email, ZIP and what the decision-maker may see. Nothing else is ever asked."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "form-control"}),
        error_messages={"required": _("Enter your name.")},
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("We send you a link to confirm your signature."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "class": "form-control", "inputmode": "email"}
        ),
        error_messages={
            "required": _("Enter your email address, so you can confirm your signature."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "class": "form-control",
                "size": 6,
            }
        ),
        error_messages={"required": _("Enter your 5-digit ZIP code.")},
    )
    visibility = forms.ChoiceField(
        label=_("What the sheriff may see"),
        choices=Visibility.choices,
        initial=Visibility.COUNTED,
        widget=forms.RadioSelect,
        required=False,  # none chosen: counted (clean_visibility)
    )
    keep_updated = forms.BooleanField(
        label=_("Keep me updated about this campaign"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    # Left empty by people (it is hidden); bots fill every field they find.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    src = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].label = _("Leave this field empty")
        self.helper = fields_helper(
            "src", "name", "email", "zip_code", "visibility", "keep_updated", honeypot("website")
        )
        self.fields["name"].error_messages["max_length"] = _(
            "Use at most 100 characters for your name."
        )
        self.fields["zip_code"].error_messages["max_length"] = _(
            "Enter your 5-digit ZIP code, for example 77550."
        )

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_email(self):
        return clean_email(self.cleaned_data["email"])

    def clean_zip_code(self):
        return clean_zip_code(self.cleaned_data["zip_code"])

    def clean_visibility(self):
        return clean_visibility(self.cleaned_data["visibility"])

    def clean_src(self):
        return clean_source(self.cleaned_data["src"])

    @property
    def is_bot(self) -> bool:
        return self.sent_by_a_bot(self.data)

    @staticmethod
    def sent_by_a_bot(data) -> bool:
        """Whether the hidden field people never see came filled in."""
        return bool(data.get("website", "").strip())

    @classmethod
    def valid_data(cls, data) -> dict | None:
        """What is_valid() leaves in cleaned_data when `data` is valid, without building the
        form; None when anything is wrong or unusual, and the form then says what (its messages).

        The same fields and cleaners as the form, in the same order: only the form's machinery
        is skipped. At a surge, building the form (a deep copy of every field and its layout)
        cost more Python time than the INSERT of the signature.
        """
        cleaned = {}
        try:
            for name, field in cls.base_fields.items():
                value = field.clean(field.widget.value_from_datadict(data, {}, name))
                cleaner = SIGN_CLEANERS.get(name)
                cleaned[name] = cleaner(value) if cleaner else value
        except forms.ValidationError:
            return None
        return cleaned


def clean_email(value: str) -> str:
    email = value.strip()
    EmailValidator()(email)
    return email


def clean_visibility(value: str) -> str:
    return value or Visibility.COUNTED


def clean_source(value: str) -> str:
    value = value.strip().lower()
    return value if SOURCE_RE.fullmatch(value) else ""


# SignForm's clean_<field> methods, for SignForm.valid_data.
SIGN_CLEANERS = {
    "name": clean_name,
    "email": clean_email,
    "zip_code": clean_zip_code,
    "visibility": clean_visibility,
    "src": clean_source,
}


class SignerDetailsForm(forms.Form):
    """On the confirmation page: the details that will be counted, which their owner may correct
    (someone else may have signed with their address first)."""

    FIELDS = ("name", "zip_code", "visibility")

    name = SignForm.base_fields["name"]
    zip_code = SignForm.base_fields["zip_code"]
    visibility = SignForm.base_fields["visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()
        self.fields["name"].error_messages["max_length"] = _(
            "Use at most 100 characters for your name."
        )

    @classmethod
    def submitted(cls, data) -> bool:
        """Whether a POST carries the details (the page's form always does)."""
        return any(field in data for field in cls.FIELDS)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_zip_code(self):
        return clean_zip_code(self.cleaned_data["zip_code"])

    def clean_visibility(self):
        return clean_visibility(self.cleaned_data["visibility"])


def photo_format(upload) -> str | None:
    """Check the content, not the name: the photo format Pillow recognises, else None."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return fmt if fmt in PHOTO_FORMATS else None


def clean_photo(photo):
    """An optional photo: at most MAX_PHOTO_BYTES, and an image by its content (not its name).

    Renamed for its format ("photo.png"): the client's name and extension never reach the disk.
    """
    if not photo:
        return None
    if photo.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(_("The photo is larger than 5 MB. Send a smaller one."))
    fmt = photo_format(photo)
    if fmt is None:
        raise forms.ValidationError(_("This file is not a photo. Send a JPEG or PNG image."))
    photo.name = f"photo.{PHOTO_EXTENSIONS[fmt]}"
    return photo


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(
        label=_("Date of the delivery"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    received_by = forms.CharField(
        label=_("Who received it"),
        max_length=200,
        help_text=_("A name or a role, for example “the front desk deputy”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    photo = forms.FileField(
        label=_("Photo of the receipt or the delivery (optional)"),
        required=False,
        help_text=_("A JPEG or PNG of at most 5 MB. Staff see it; it is never public."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()

    def clean_delivered_on(self):
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The delivery date cannot be in the future."))
        return day

    def clean_photo(self):
        return clean_photo(self.cleaned_data.get("photo"))


class InvalidationForm(forms.Form):
    """Staff: void signatures in bulk. At least one criterion, and always a reason."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, required=False, empty_label=_("Any campaign")
    )
    email_domain = forms.CharField(
        label=_("Email domain"), required=False, max_length=200, help_text="example.com"
    )
    signed_from = forms.DateTimeField(label=_("Signed from"), required=False)
    signed_until = forms.DateTimeField(label=_("Signed before"), required=False)
    reason = forms.CharField(label=_("Reason (kept)"), widget=forms.Textarea(attrs={"rows": 3}))
    # The count staff were shown: the invalidation acts only if it still holds.
    matching = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("state", "name")

    def clean_email_domain(self):
        value = self.cleaned_data["email_domain"].strip().lstrip("@").lower()
        if value and not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", value):
            raise forms.ValidationError(_("Enter a domain like example.com."))
        return value

    def clean(self):
        data = super().clean()
        criteria = ("campaign", "email_domain", "signed_from", "signed_until")
        if not any(data.get(k) for k in criteria):
            raise forms.ValidationError(
                _("Choose at least one of campaign, email domain or time window.")
            )
        return data


class ReasonForm(forms.Form):
    """Staff: the reason for invalidating the signatures selected in the list."""

    reason = forms.CharField(label=_("Reason (kept)"), widget=forms.Textarea(attrs={"rows": 3}))


# In person: a paper sheet typed in, and the signing table ---------------------------------------

# Short labels for a sheet's columns and a row's menu; the choices are Visibility's.
SHEET_CHOICES = [
    (Visibility.COUNTED, _("Counted only")),
    (Visibility.FIRST_INITIAL, _("First name and initial")),
    (Visibility.FULL_NAME, _("Full name")),
]
# No autofill on a shared device: the browser must not offer the previous signer's name.
NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false"}


class PaperRowForm(forms.Form):
    """One line of a paper sheet. Blank lines are skipped."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={**NO_AUTOFILL, "class": "form-control"}),
        error_messages={"required": _("Enter the name written on this line.")},
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "class": "form-control"}
        ),
        error_messages={"required": _("Enter the 5-digit ZIP code written on this line.")},
    )
    visibility = forms.ChoiceField(
        label=_("What the sheriff may see"),
        choices=SHEET_CHOICES,
        initial=Visibility.COUNTED,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_zip_code(self):
        return clean_zip_code(self.cleaned_data["zip_code"])


class BasePaperRowFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.rows():
            raise forms.ValidationError(_("Enter at least one line from the sheet."))

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


def paper_rows_formset(data=None, *, rows: int):
    formset_class = forms.formset_factory(
        PaperRowForm, formset=BasePaperRowFormSet, extra=rows, max_num=rows, absolute_max=rows
    )
    return formset_class(data, prefix="row")


class PaperBatchForm(forms.Form):
    """What goes with a sheet's lines: its language, the leader's attestation, a photo if any."""

    language = forms.ChoiceField(
        label=_("Language of the sheet"),
        choices=[("en", _("English")), ("es", _("Spanish"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    attested = forms.BooleanField(
        label=_(
            "Each person on these lines signed the sheet in person, and I typed what they wrote."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Confirm that each person on the sheet signed it in person.")
        },
    )
    photo = forms.FileField(
        label=_("Photo of the sheet (optional)"),
        required=False,
        help_text=_("A JPEG or PNG of at most 5 MB. Only staff see it; it is never public."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "class": "form-control"}),
    )

    def clean_photo(self):
        return clean_photo(self.cleaned_data.get("photo"))


class TableSignForm(forms.Form):
    """The signing table: big, simple, nothing remembered. The email is only for updates."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={**NO_AUTOFILL, "class": "form-control form-control-lg"}),
        error_messages={"required": _("Enter your name.")},
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "class": "form-control form-control-lg",
                "size": 6,
            }
        ),
        error_messages={"required": _("Enter your 5-digit ZIP code.")},
    )
    visibility = forms.ChoiceField(
        label=_("What the sheriff may see"),
        choices=Visibility.choices,
        initial=Visibility.COUNTED,
        required=False,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label=_("Your email, to get news about this campaign (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "No confirmation email: the leader is here. It is never shown to those the "
            "petition goes to."
        ),
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "inputmode": "email", "class": "form-control"}
        ),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Larger type: the table's stylesheet (.table-mode); no autofill: each widget and the form.
        self.helper = fields_helper()

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_zip_code(self):
        return clean_zip_code(self.cleaned_data["zip_code"])

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or Visibility.COUNTED


class CampaignUpdateForm(forms.Form):
    """A leader's update to signers: plain text, sent as written."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=2000,
        help_text=_(
            "Plain text, up to 2,000 characters. Signers receive it as you write it, with a "
            "greeting and a footer in their language."
        ),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10, "maxlength": 2000}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()
