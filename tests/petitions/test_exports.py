"""Each export of signers' data is one service that writes the file and records who took it, and
the expired-link page reads its link through the tokens module's one reader."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import override_settings

from petitions import tokens
from petitions.confirmation import campaign_of_expired_link
from petitions.delivery import delivery_summary, export_delivery_pdf
from petitions.exports import export_signatures_csv
from petitions.models import ExportAudit, Signature
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_delivery_pdf_service_records_the_download(campaign, leadership):
    SignatureFactory.create_batch(3, campaign=campaign)
    SignatureFactory(campaign=campaign, name="Ana Named", visibility="full_name")

    pdf = export_delivery_pdf(delivery_summary(campaign), user=leadership.user, language="es")

    assert pdf.startswith(b"%PDF")
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.campaign, audit.rows) == (leadership.user, campaign, 1)
    assert audit.description.startswith("Delivery PDF (es) with 1 names")


def test_the_csv_service_writes_the_rows_and_one_audit_per_campaign(campaign):
    staff = UserFactory(is_staff=True)
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    SignatureFactory.create_batch(2, campaign=campaign)
    SignatureFactory(campaign=other, name="=cmd")

    text = export_signatures_csv(Signature.objects.all(), user=staff)

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Campaign", "Name", "Email"]  # readable labels, not field codes
    assert len(rows) == 4
    assert "'=cmd" in {row[1] for row in rows}
    audits = {(a.campaign, a.rows) for a in ExportAudit.objects.filter(user=staff)}
    assert audits == {(campaign, 2), (other, 1)}


def test_an_expired_confirmation_link_still_names_its_campaign(campaign):
    signature = SignatureFactory(campaign=campaign, status="pending")
    token = tokens.confirm_token(signature.uid)
    with override_settings(CONFIRMATION_LINK_MAX_AGE=timedelta(seconds=-1)):
        with pytest.raises(tokens.LinkExpired):
            tokens.read_confirm_token(token)
        assert tokens.read_confirm_token(token, expired_ok=True) == signature.uid
        assert campaign_of_expired_link(token) == campaign
    assert campaign_of_expired_link(token + "x") is None
