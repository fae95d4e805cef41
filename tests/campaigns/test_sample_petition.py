"""Staff edit the sample petition in admin: unsigned campaigns still showing it get the new text;
a text people signed, or one written for its campaign, never changes."""

import pytest
from django.urls import reverse

from petitions import defaults
from petitions.models import PetitionTemplate, PetitionText
from petitions.texts import propose_petition_text, render_petition
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_BODY = "To {sheriff}: {county} asks you to end 287(g) now."


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _seeded_template() -> PetitionTemplate:
    return PetitionTemplate.objects.create(
        title_en=defaults.TITLE_EN,
        title_es=defaults.TITLE_ES,
        body_en=defaults.BODY_EN,
        body_es=defaults.BODY_ES,
    )


def _form(body_en: str = NEW_BODY) -> dict:
    return {
        "title_en": defaults.TITLE_EN,
        "title_es": defaults.TITLE_ES,
        "body_en": body_en,
        "body_es": defaults.BODY_ES,
    }


def _harris():
    return CampaignFactory(county=CountyFactory(fips="48201", name="Harris County", state="TX"))


def test_editing_the_template_shows_the_new_text_on_an_unsigned_campaign(staff, client):
    template = _seeded_template()
    campaign = CampaignFactory()

    response = staff.post(
        reverse("admin:petitions_petitiontemplate_change", args=[template.pk]), _form()
    )

    assert response.status_code == 302
    client.logout()
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Galveston County asks you to end 287(g) now." in page
    latest = campaign.petition_texts.order_by("-version").first()
    assert (latest.version, latest.status) == (2, "approved")


def test_a_campaign_with_signatures_keeps_the_text_people_signed(staff, client):
    template = _seeded_template()
    signed = CampaignFactory()
    SignatureFactory(campaign=signed)
    text_before = signed.petition_texts.get().body_en

    staff.post(reverse("admin:petitions_petitiontemplate_change", args=[template.pk]), _form())

    assert list(signed.petition_texts.values_list("version", "body_en")) == [(1, text_before)]
    client.logout()
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "asks you to end 287(g) now" not in page


def test_a_text_written_for_the_campaign_stays(staff):
    template = _seeded_template()
    campaign = _harris()
    leader_text = {**render_petition(campaign), "body_en": "Our own words to the sheriff."}
    propose_petition_text(campaign, texts=leader_text, user=UserFactory())

    staff.post(reverse("admin:petitions_petitiontemplate_change", args=[template.pk]), _form())

    latest = campaign.petition_texts.order_by("-version").first()
    assert (latest.version, latest.body_en) == (2, "Our own words to the sheriff.")


def test_a_template_added_after_the_import_replaces_the_built_in_text(staff):
    # `make load` used to import before seed_content: every text came from petitions/defaults.py.
    campaign = _harris()
    assert not PetitionTemplate.objects.exists()

    staff.post(reverse("admin:petitions_petitiontemplate_add"), _form())

    latest = PetitionText.objects.filter(campaign=campaign).order_by("-version").first()
    assert latest.version == 2
    assert latest.body_en == "To Sheriff Pat Doe: Harris County asks you to end 287(g) now."


def test_saving_the_template_unchanged_adds_no_version(staff):
    template = _seeded_template()
    campaign = CampaignFactory()

    staff.post(
        reverse("admin:petitions_petitiontemplate_change", args=[template.pk]),
        _form(body_en=defaults.BODY_EN),
    )

    assert campaign.petition_texts.count() == 1
