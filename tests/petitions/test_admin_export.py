"""Staff export what the signature list's filters match (campaign, wants updates), every page of
it, in words rather than codes; only staff, and every export leaves an audit row."""

import csv
import io

import pytest
from django.conf import settings

from petitions.admin import SignatureAdmin
from petitions.models import ExportAudit, SignatureStatus, Visibility
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
LIST = f"{ADMIN}petitions/signature/"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _harris():
    return CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_signature_list_filters_by_campaign_and_by_wanting_updates(client, staff):
    galveston, harris = CampaignFactory(), _harris()
    SignatureFactory(campaign=galveston, name="Ana Wants", keep_updated=True)
    SignatureFactory(campaign=galveston, name="Beto Quiet", keep_updated=False)
    SignatureFactory(campaign=harris, name="Carla Elsewhere", keep_updated=True)

    page = client.get(LIST, {"campaign__id__exact": galveston.pk, "keep_updated__exact": "1"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Ana Wants" in text
    assert "Beto Quiet" not in text and "Carla Elsewhere" not in text
    assert "By wants campaign updates" in text and "By campaign" in text


def test_the_export_takes_every_matching_row_not_only_the_page(client, staff, monkeypatch):
    monkeypatch.setattr(SignatureAdmin, "list_per_page", 2)
    galveston, harris = CampaignFactory(), _harris()
    SignatureFactory.create_batch(5, campaign=galveston, keep_updated=True)
    SignatureFactory(campaign=galveston, keep_updated=False)
    SignatureFactory(campaign=harris, keep_updated=True)

    query = f"?campaign__id__exact={galveston.pk}&keep_updated__exact=1"
    listing = client.get(LIST + query)
    assert f'action="{LIST}export/{query.replace("&", "&amp;")}"' in listing.content.decode()
    response = client.post(f"{LIST}export/{query}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert len(_rows(response)) == 5
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.campaign, audit.rows) == (staff, galveston, 5)


def test_the_export_speaks_in_labels_not_codes(client, staff):
    campaign = CampaignFactory()
    SignatureFactory(
        campaign=campaign,
        visibility=Visibility.FIRST_INITIAL,
        keep_updated=True,
        county_resident=False,
        status=SignatureStatus.CONFIRMED,
        language="es",
    )

    [row] = _rows(client.post(f"{LIST}export/"))

    assert row["What the sheriff may see"] == "First name and last initial"
    assert row["Wants campaign updates"] == "Yes"
    assert row["Lives in the county"] == "No"
    assert row["Status"] == "Confirmed"
    assert row["Language"] == "Spanish"
    assert "first_initial" not in row.values() and "True" not in row.values()


def test_only_staff_can_export_and_a_get_exports_nothing(client, staff):
    SignatureFactory()
    assert client.get(f"{LIST}export/").status_code == 405
    client.logout()
    client.force_login(UserFactory())
    response = client.post(f"{LIST}export/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not ExportAudit.objects.exists()
