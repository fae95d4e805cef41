"""Staff powers outside admin need two-factor too; a new text on a signed campaign waits for review.

Every staff power (any campaign's dashboard, the delivery kit with signers' names, the paper
sheet, editing a petition) follows admin's rule: staff without TOTP, when ADMIN_REQUIRE_MFA is
on, are treated like anyone else who is not the campaign's leader.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

from petitions.models import PetitionTextStatus
from petitions.texts import approve_petition_text, current_petition
from tests.factories import CampaignFactory, LeadershipFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_mfa_required")]

NEW_TEXT = {
    "title_en": "Staff wrote this",
    "body_en": "A text nobody signed.",
    "title_es": "Lo escribió el equipo",
    "body_es": "Un texto que nadie firmó.",
}


@pytest.fixture
def _mfa_required():
    with override_settings(ADMIN_REQUIRE_MFA=True):
        yield


@pytest.fixture
def campaign():
    campaign = CampaignFactory()
    LeadershipFactory(campaign=campaign)
    return campaign


def _staff(*, totp: bool):
    staff = UserFactory(is_staff=True)
    if totp:
        Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return staff


def _kwargs(campaign):
    return {"state": campaign.state.lower(), "slug": campaign.slug}


def _staff_pages(campaign):
    kwargs = _kwargs(campaign)
    return [
        reverse("campaigns:dashboard", kwargs=kwargs),
        reverse("campaigns:tools", kwargs=kwargs),
        reverse("campaigns:petition_text", kwargs=kwargs),
        reverse("petitions:delivery", kwargs=kwargs),
        reverse("petitions:paper_sheet", kwargs=kwargs),
    ]


def test_staff_without_two_factor_reach_no_campaigns_private_pages(client, campaign):
    client.force_login(_staff(totp=False))

    statuses = [client.get(path).status_code for path in _staff_pages(campaign)]

    assert statuses == [404, 404, 404, 404, 404]


def test_staff_with_two_factor_reach_them(client, campaign):
    client.force_login(_staff(totp=True))

    statuses = [client.get(path).status_code for path in _staff_pages(campaign)]

    assert statuses == [200, 200, 200, 200, 200]


def test_staff_without_two_factor_cannot_change_a_petition(client, campaign):
    before = current_petition(campaign)
    client.force_login(_staff(totp=False))

    response = client.post(reverse("campaigns:petition_text", kwargs=_kwargs(campaign)), NEW_TEXT)

    assert response.status_code == 404
    assert current_petition(campaign) == before
    assert campaign.petition_texts.count() == 1


def test_a_staff_text_on_a_signed_campaign_waits_for_approval(client, campaign):
    SignatureFactory(campaign=campaign, petition_text=current_petition(campaign))
    before = current_petition(campaign)
    staff = _staff(totp=True)
    client.force_login(staff)

    client.post(reverse("campaigns:petition_text", kwargs=_kwargs(campaign)), NEW_TEXT)

    proposed = campaign.petition_texts.get(title_en="Staff wrote this")
    assert proposed.status == PetitionTextStatus.PROPOSED
    assert current_petition(campaign) == before
    client.logout()
    assert "A text nobody signed." not in client.get(campaign.get_absolute_url()).content.decode()

    assert approve_petition_text(proposed, user=staff)
    assert current_petition(campaign) == proposed


def test_a_staff_text_on_an_unsigned_campaign_goes_live_at_once(client, campaign):
    client.force_login(_staff(totp=True))

    client.post(reverse("campaigns:petition_text", kwargs=_kwargs(campaign)), NEW_TEXT)

    assert current_petition(campaign).title_en == "Staff wrote this"


def test_staff_without_two_factor_cannot_approve_a_text(campaign):
    SignatureFactory(campaign=campaign, petition_text=current_petition(campaign))
    before = current_petition(campaign)
    from petitions.texts import propose_petition_text

    proposed = propose_petition_text(campaign, texts=NEW_TEXT, user=_staff(totp=True))

    assert not approve_petition_text(proposed, user=_staff(totp=False))
    assert current_petition(campaign) == before
