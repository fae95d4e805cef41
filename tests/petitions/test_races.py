"""Races on real PostgreSQL connections, one per thread, started together by a barrier:
two identical sign requests leave one signature; two confirmations confirm once; a milestone
crossed by two confirmations at once is announced once."""

import pytest
from django.core import mail

from campaigns.models import Campaign
from petitions import tokens
from petitions.confirmation import confirm_signature
from petitions.models import MilestoneNotice, Signature
from petitions.signing import sign_petition
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, SignatureFactory
from tests.races import race

ROUNDS = 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_sign_requests_at_once_leave_one_signature(sign):
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{90000 + n}", name=f"Race County {n}", state="TX")
        campaign = CampaignFactory(county=county)
        mail.outbox.clear()

        results = race(
            lambda email, campaign=campaign: sign(campaign, email=email),
            ("ana@gmail.com",),
            ("A.na+x@gmail.com",),
        )

        assert results == [None, None], f"round {n}: {results!r}"  # neither raised
        assert Signature.objects.filter(campaign=campaign).count() == 1
        assert len(mail.outbox) == 1  # one confirmation: the second is within the cool-down


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_confirm_once():
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{91000 + n}", name=f"Confirm County {n}", state="TX")
        signature = SignatureFactory(campaign=CampaignFactory(county=county), status="pending")
        token = tokens.confirm_token(signature.uid)

        results = race(confirm_signature, (token,), (token,))

        assert all(isinstance(r, tuple) for r in results), f"round {n}: {results!r}"
        assert sorted(new for _sig, new in results) == [False, True]
        signature.refresh_from_db()
        assert signature.status == "confirmed"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_milestone_crossed_by_two_confirmations_at_once_is_announced_once():
    for n in range(5):
        county = CountyFactory(fips=f"{92000 + n}", name=f"Milestone County {n}", state="TX")
        campaign = CampaignFactory(county=county)
        leadership = LeadershipFactory(campaign=campaign)
        SignatureFactory.create_batch(49, campaign=campaign)
        pending = SignatureFactory.create_batch(2, campaign=campaign, status="pending")
        mail.outbox.clear()

        race(
            confirm_signature,
            (tokens.confirm_token(pending[0].uid),),
            (tokens.confirm_token(pending[1].uid),),
        )

        assert MilestoneNotice.objects.filter(campaign=campaign, threshold=50).count() == 1
        assert len([m for m in mail.outbox if m.to == [leadership.user.email]]) == 1


def _confirm_with(token, name):
    from petitions.confirmation import SignerDetails

    details = SignerDetails(name=name, zip_code="77550", visibility="counted")
    return confirm_signature(token, details=details)


def _stranger_signs(campaign_id, email):
    campaign = Campaign.objects.get(pk=campaign_id)
    return sign_petition(
        campaign,
        name="Stranger Name",
        email=email,
        zip_code="10001",
        visibility="full_name",
        language="en",
    )


def _either(target, *args):
    return target(*args)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stranger_signing_while_the_owner_confirms_never_changes_what_is_confirmed(sign):
    for n in range(ROUNDS):
        county = CountyFactory(fips=f"{93000 + n}", name=f"Owner County {n}", state="TX")
        campaign = CampaignFactory(county=county)
        sign(campaign, email="ana@example.org")
        signature = Signature.objects.get(campaign=campaign)
        token = tokens.confirm_token(signature.uid)

        results = race(
            _either,
            (_confirm_with, token, "Ana López"),
            (_stranger_signs, campaign.pk, "ana@example.org"),
        )

        assert not any(isinstance(r, Exception) for r in results), f"round {n}: {results!r}"
        signature.refresh_from_db()
        assert signature.status == "confirmed"
        assert (signature.name, signature.zip_code, signature.visibility) == (
            "Ana López",
            "77550",
            "counted",
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refreshes_racing_confirmations_leave_the_stored_tally_exact():
    """Each confirmation is followed by a refresh; whichever refresh writes last counted last."""
    from petitions.counting import refresh_tallies, tally_for

    def confirm_then_refresh(campaign, n):
        SignatureFactory(campaign=campaign, email=f"racer{n}@example.org")
        refresh_tallies([Campaign.objects.get(pk=campaign.pk)])

    for n in range(10):
        county = CountyFactory(fips=f"{93000 + n}", name=f"Tally County {n}", state="TX")
        campaign = CampaignFactory(county=county)

        results = race(confirm_then_refresh, *[(campaign, k) for k in range(4)])

        assert results == [None] * 4, f"round {n}: {results!r}"
        assert tally_for(campaign).counted == 4, f"round {n}"
