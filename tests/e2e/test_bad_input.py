"""Sam makes mistakes on the sign form: each one is shown beside its field, listed in a summary
that links to the field, what he typed stays, and focus goes to the first field to fix."""

import pytest

from petitions.models import Signature
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_error_beside(page, field_id, message):
    field = page.locator(f"#{field_id}")
    error = page.locator(f"#{field_id}_error")
    assert message in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    assert f"{field_id}_error" in field.get_attribute("aria-describedby").split()
    # Beside the field: in the same form group as its label.
    group = page.locator(".mb-3").filter(has=field)
    assert group.locator(f"#{field_id}_error").count() == 1


def summary_targets(page) -> list[str]:
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    return [link.get_attribute("href") for link in summary.get_by_role("link").all()]


@pytest.mark.parametrize("viewport", ["phone"])
def test_sam_fixes_empty_then_invalid_answers(journey, live_server):
    CampaignFactory()
    page = journey
    page.goto(live_server.url + "/campaigns/tx/galveston-county/")
    page.locator("#sign").get_by_role("button", name="Sign the petition").click()

    # Nothing filled in.
    page.wait_for_url("**/campaigns/tx/galveston-county/sign/")
    assert summary_targets(page) == ["#id_name", "#id_email", "#id_zip_code"]
    assert_error_beside(page, "id_name", "Enter your name.")
    assert_error_beside(page, "id_email", "Enter your email address")
    assert_error_beside(page, "id_zip_code", "Enter your 5-digit ZIP code.")
    assert focused_id(page) == "id_name"

    # A name, a broken email, a short ZIP and a choice: the good answers stay.
    form = page.locator("#sign")
    form.get_by_label("Your name").fill("Sam Lee")
    form.get_by_label("Your email").fill("sam@")
    form.get_by_label("ZIP code").fill("123")
    form.get_by_label("My full name").check()
    form.get_by_label("Keep me updated about this campaign").check()
    form.get_by_role("button", name="Sign the petition").click()
    page.wait_for_load_state()
    assert summary_targets(page) == ["#id_email", "#id_zip_code"]
    assert_error_beside(page, "id_email", "Enter an email address like name@example.com.")
    assert_error_beside(page, "id_zip_code", "Enter your 5-digit ZIP code, for example 77550.")
    assert page.locator("#id_name_error").count() == 0
    assert form.get_by_label("Your name").input_value() == "Sam Lee"
    assert form.get_by_label("Your email").input_value() == "sam@"
    assert form.get_by_label("ZIP code").input_value() == "123"
    assert form.get_by_label("My full name").is_checked()
    assert form.get_by_label("Keep me updated about this campaign").is_checked()
    assert focused_id(page) == "id_email"

    # A ZIP code that does not exist.
    form.get_by_label("Your email").fill("sam@example.org")
    form.get_by_label("ZIP code").fill("00000")
    form.get_by_role("button", name="Sign the petition").click()
    page.wait_for_load_state()
    assert summary_targets(page) == ["#id_zip_code"]
    assert_error_beside(page, "id_zip_code", "We do not know the ZIP code 00000")
    assert form.get_by_label("Your email").input_value() == "sam@example.org"
    assert focused_id(page) == "id_zip_code"

    # The summary's link takes him to the field.
    page.locator("[data-error-summary]").get_by_role("link").click()
    assert focused_id(page) == "id_zip_code"
    assert not Signature.objects.exists()
