"""Staff tools: signer data only in admin, every export recorded, bulk invalidation with a reason,
petition versions approved by staff, the purge after a campaign ends."""

import csv
import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import CampaignStatus
from config.spreadsheets import neutralize
from petitions.models import (
    ExportAudit,
    Invalidation,
    PetitionText,
    PetitionTextStatus,
    Signature,
)
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

from .conftest import committed

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_staff_export_writes_an_audit_row_and_neutralizes_formulas(client, campaign, staff):
    SignatureFactory(campaign=campaign, name='=HYPERLINK("http://evil")', email="a@example.org")
    SignatureFactory(campaign=campaign, name="+1 Plus", email="b@example.org")
    SignatureFactory(campaign=campaign, name="Plain Name", email="c@example.org")
    ids = list(Signature.objects.values_list("pk", flat=True))

    response = client.post(
        f"{ADMIN}petitions/signature/",
        {"action": "export_csv", "_selected_action": ids},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = {row[1] for row in rows[1:]}
    assert names == {'\'=HYPERLINK("http://evil")', "'+1 Plus", "Plain Name"}
    assert {row[2] for row in rows[1:]} == {"a@example.org", "b@example.org", "c@example.org"}
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.campaign, audit.rows) == (staff, campaign, 3)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralized(value):
    assert neutralize(value) == "'" + value


def test_staff_search_signatures_by_email(client, campaign, staff):
    SignatureFactory(campaign=campaign, email="findme@example.org")
    SignatureFactory(campaign=campaign, email="other@example.org")
    html = client.get(f"{ADMIN}petitions/signature/?q=findme").content.decode()
    assert "findme@example.org" in html
    assert "other@example.org" not in html


def test_a_leader_or_signer_cannot_open_the_signature_admin(client, campaign, leadership):
    SignatureFactory(campaign=campaign, email="private@example.org")
    client.force_login(leadership.user)
    response = client.get(f"{ADMIN}petitions/signature/")
    assert response.status_code == 302
    assert "private@example.org" not in response.content.decode()


def test_bulk_invalidation_form_needs_a_reason_and_keeps_it(client, campaign, staff):
    SignatureFactory.create_batch(2, campaign=campaign)
    spam = SignatureFactory(campaign=campaign, email="x@spam.example", email_key="x@spam.example")
    url = f"{ADMIN}petitions/signature/invalidate/"

    assert client.get(url).status_code == 200
    missing = client.post(url, {"email_domain": "spam.example", "reason": "", "confirm": "1"})
    assert missing.status_code == 200
    assert Signature.objects.filter(status="invalidated").count() == 0

    with committed():
        done = client.post(
            url,
            {
                "campaign": campaign.pk,
                "email_domain": "spam.example",
                "reason": "Flood",
                "matching": "1",
                "confirm": "1",
            },
        )
    assert done.status_code == 302
    spam.refresh_from_db()
    assert spam.status == "invalidated"
    invalidation = Invalidation.objects.get()
    assert invalidation.reason == "Flood"
    assert invalidation.created_by == staff
    assert "spam.example" in invalidation.criteria
    assert Signature.objects.filter(status="confirmed").count() == 2


def _flood(campaign, other):
    """Signatures of a flood at 14:00-14:05 on one campaign, and real ones around it."""
    at = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    before = SignatureFactory(campaign=campaign, created_at=at - timedelta(minutes=30))
    flood = [
        SignatureFactory(campaign=campaign, created_at=at + timedelta(seconds=n)) for n in range(3)
    ]
    elsewhere = SignatureFactory(campaign=other, created_at=at + timedelta(seconds=1))
    after = SignatureFactory(campaign=campaign, created_at=at + timedelta(minutes=10))
    return at, flood, [before, elsewhere, after]


def _harris():
    return CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))


def _window(campaign, at, **extra):
    return {
        "campaign": campaign.pk,
        "signed_from": timezone.localtime(at - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "signed_until": timezone.localtime(at + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "reason": "Flood from one network",
        **extra,
    }


def test_the_invalidation_criteria_select_a_campaign_and_a_time_window(campaign):
    from petitions.invalidation import InvalidationCriteria

    at, flood, others = _flood(campaign, _harris())
    criteria = InvalidationCriteria(
        campaign=campaign,
        signed_from=at - timedelta(minutes=1),
        signed_until=at + timedelta(minutes=5),
    )
    assert set(criteria.queryset()) == set(flood)


def test_staff_see_how_many_a_flood_holds_before_undoing_it(client, campaign, staff):
    at, flood, others = _flood(campaign, _harris())
    url = f"{ADMIN}petitions/signature/invalidate/"
    preview = client.post(url, _window(campaign, at, preview="1"))
    assert preview.status_code == 200
    assert "3 pending or confirmed signatures match" in preview.content.decode()
    assert 'name="matching" value="3"' in preview.content.decode()
    assert not Signature.objects.filter(status="invalidated").exists()

    with committed():
        done = client.post(url, _window(campaign, at, matching="3", confirm="1"))
    assert done.status_code == 302
    assert set(Signature.objects.filter(status="invalidated")) == set(flood)
    assert all(
        s.status == "confirmed" for s in Signature.objects.filter(pk__in=[o.pk for o in others])
    )
    invalidation = Invalidation.objects.get()
    assert invalidation.signatures_affected == 3
    assert "from " in invalidation.criteria and "until " in invalidation.criteria


def test_staff_cannot_invalidate_without_seeing_the_count_they_act_on(client, campaign, staff):
    at, flood, _others = _flood(campaign, _harris())
    url = f"{ADMIN}petitions/signature/invalidate/"
    blind = client.post(url, _window(campaign, at, confirm="1"))
    assert blind.status_code == 200
    assert "3 pending or confirmed signatures match" in blind.content.decode()
    stale = client.post(url, _window(campaign, at, matching="2", confirm="1"))
    assert stale.status_code == 200
    assert "changed since you counted" in stale.content.decode()
    assert not Signature.objects.filter(status="invalidated").exists()


def test_invalidating_selected_signatures_asks_for_a_reason(client, campaign, staff):
    chosen = SignatureFactory(campaign=campaign)
    SignatureFactory(campaign=campaign)
    url = f"{ADMIN}petitions/signature/"
    ask = client.post(url, {"action": "invalidate_selected", "_selected_action": [chosen.pk]})
    assert ask.status_code == 200
    assert "Reason" in ask.content.decode()
    with committed():
        client.post(
            url,
            {
                "action": "invalidate_selected",
                "_selected_action": [chosen.pk],
                "apply": "1",
                "reason": "Duplicate person",
            },
        )
    chosen.refresh_from_db()
    assert chosen.status == "invalidated"
    assert chosen.invalidation.reason == "Duplicate person"


def test_staff_approve_a_proposed_petition_version(client, campaign, staff):
    proposed = PetitionText.objects.create(
        campaign=campaign,
        version=2,
        status=PetitionTextStatus.PROPOSED,
        title_en="New",
        title_es="Nuevo",
        body_en="b",
        body_es="b",
    )
    client.post(
        f"{ADMIN}petitions/petitiontext/",
        {"action": "approve", "_selected_action": [proposed.pk]},
    )
    proposed.refresh_from_db()
    assert proposed.status == PetitionTextStatus.APPROVED
    assert proposed.reviewed_by == staff
    assert "New" in client.get(campaign.get_absolute_url()).content.decode()


def test_the_admin_pages_for_signatures_answer(client, campaign, staff):
    SignatureFactory(campaign=campaign)
    for model in [
        "signature",
        "petitiontext",
        "petitiontemplate",
        "sitesettings",
        "delivery",
        "exportaudit",
        "milestonenotice",
        "invalidation",
        "campaigntally",
    ]:
        assert client.get(f"{ADMIN}petitions/{model}/").status_code == 200, model
    assert client.get(f"{ADMIN}signing-activity/").status_code == 200


def test_purge_blanks_contacts_of_long_closed_campaigns_and_keeps_the_numbers(campaign):
    SignatureFactory.create_batch(6, campaign=campaign, zip_code="77550")
    SignatureFactory(campaign=campaign, zip_code="77551", name="Named One", visibility="full_name")
    campaign.status = CampaignStatus.WON
    campaign.outcome_date = date.today() - timedelta(days=100)
    campaign.save()
    from petitions.counting import fresh_tally
    from petitions.delivery import delivery_summary

    before = delivery_summary(campaign)

    out = io.StringIO()
    call_command("purge_signatures", "--days", "90", "--dry-run", stdout=out)
    assert "Would purge 7 signatures in 1 campaigns" in out.getvalue()
    assert Signature.objects.filter(purged_at__isnull=False).count() == 0

    call_command("purge_signatures", "--days", "90", stdout=io.StringIO())

    assert not Signature.objects.exclude(email="").exists()
    assert not Signature.objects.exclude(name="").exists()
    assert Signature.objects.filter(purged_at__isnull=False).count() == 7
    after = delivery_summary(campaign)
    assert fresh_tally(campaign).counted == 7
    assert (after.zips, after.other_zips) == (before.zips, before.other_zips)
    assert after.names == []


def test_purge_leaves_recent_and_open_campaigns_alone(campaign):
    SignatureFactory(campaign=campaign)
    call_command("purge_signatures", "--days", "0", stdout=io.StringIO())
    campaign.status = CampaignStatus.LOST
    campaign.outcome_date = timezone.localdate() - timedelta(days=10)
    campaign.save()
    call_command("purge_signatures", "--days", "90", stdout=io.StringIO())
    assert Signature.objects.get().email != ""


def test_a_merged_campaign_is_purged_in_time_like_any_closed_one(campaign):
    from campaigns.services import merge_campaigns
    from tests.factories import CampaignFactory, CountyFactory

    SignatureFactory(campaign=campaign)
    survivor = CampaignFactory(county=CountyFactory(fips="48999", name="Survivor County"))
    merge_campaigns(campaign, into=survivor, by=UserFactory(is_staff=True))
    campaign.refresh_from_db()
    assert campaign.outcome_date == timezone.localdate()
    # Signers' details go after the retention period, counted from the merge.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=91)):
        call_command("purge_signatures", "--days", "90", stdout=io.StringIO())
    assert Signature.objects.get(campaign=campaign).email == ""


def test_an_outcome_recorded_without_a_date_is_dated_today(campaign):
    from campaigns.services import record_outcome

    record_outcome(
        campaign, status=CampaignStatus.WON, outcome_date=None, note="", by=UserFactory()
    )
    campaign.refresh_from_db()
    assert campaign.outcome_date == timezone.localdate()
