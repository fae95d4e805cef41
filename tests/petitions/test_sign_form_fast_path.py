"""The sign POST's validation without building the form (SignForm.valid_data) accepts exactly
what the form accepts and cleans it the same way; anything else goes to the form and its
messages."""

import pytest

from petitions.forms import SignForm

from .conftest import form_data

pytestmark = pytest.mark.django_db

CASES = [
    form_data(),
    form_data(zip_code="77550-1234"),
    form_data(zip_code=" 77550 "),
    form_data(zip_code="7755"),
    form_data(zip_code="00000"),
    form_data(zip_code="٧٧٥٥٠"),  # Arabic-Indic digits: not a ZIP code
    form_data(name="  Ana   López  "),
    form_data(name=""),
    form_data(name="Ana\u202eLópez"),
    form_data(name="A" * 101),
    form_data(email="not-an-email"),
    form_data(email="  ana@example.org "),
    form_data(email=""),
    form_data(visibility=""),
    form_data(visibility="full_name"),
    form_data(visibility="everything"),
    form_data(src="WhatsApp"),
    form_data(src="a very long source name"),
    form_data(keep_updated="on"),
    form_data(keep_updated="false"),
    {"name": "Ana", "email": "ana@example.org", "zip_code": "77550"},  # fields left out
    {},
]


@pytest.mark.parametrize("data", CASES)
def test_the_fast_path_accepts_and_cleans_exactly_as_the_form_does(data):
    form = SignForm(data)
    expected = form.cleaned_data if form.is_valid() else None
    assert SignForm.valid_data(data) == expected


def test_a_signer_who_leaves_the_choice_empty_is_counted_only(client, campaign):
    from petitions.models import Signature

    from .conftest import post_sign

    assert post_sign(client, campaign, visibility="").status_code == 303
    assert Signature.objects.get().visibility == "counted"


def test_a_mistake_still_shows_the_forms_own_message(client, campaign):
    from .conftest import post_sign

    response = post_sign(client, campaign, zip_code="7755")
    assert response.status_code == 400
    assert "Enter your 5-digit ZIP code, for example 77550." in response.content.decode()
