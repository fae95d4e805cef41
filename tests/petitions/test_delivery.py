"""The delivery kit: the printable petition carries counts, ZIPs and consented names, never emails;
only the leader and staff reach it; recording the delivery marks the campaign delivered."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from campaigns.models import CampaignStatus
from petitions.models import Delivery, ExportAudit, PetitionText
from tests.factories import LeadershipFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(campaign, tail=""):
    return f"{campaign.get_absolute_url()}delivery/{tail}"


@pytest.fixture
def at_goal(campaign):
    SignatureFactory.create_batch(190, campaign=campaign, zip_code="77550")
    SignatureFactory.create_batch(6, campaign=campaign, zip_code="77551")
    SignatureFactory(campaign=campaign, zip_code="10001", county_resident=False)
    SignatureFactory(
        campaign=campaign, name="Maria Elena Sanchez", visibility="full_name", zip_code="77550"
    )
    SignatureFactory(
        campaign=campaign, name="Jose Luis Ortega", visibility="first_initial", zip_code="77550"
    )
    SignatureFactory(campaign=campaign, name="Hidden Person Counted", email="hidden@secret.org")
    SignatureFactory(
        campaign=campaign, name="Pending Named", visibility="full_name", status="pending"
    )
    return campaign


def test_each_download_of_the_pdf_is_recorded_with_who_and_how_many_names(
    client, at_goal, leadership
):
    client.force_login(leadership.user)
    client.get(_url(at_goal, "petition.pdf"))
    client.get(_url(at_goal, "petition.pdf") + "?lang=es")
    audits = ExportAudit.objects.order_by("created_at")
    assert [(a.user, a.campaign, a.rows) for a in audits] == [(leadership.user, at_goal, 2)] * 2
    assert "Delivery PDF (es)" in audits[1].description


def _pdf_text(content) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_the_count_the_text_zips_and_only_consented_names(client, at_goal, leadership):
    client.force_login(leadership.user)
    response = client.get(_url(at_goal, "petition.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    flat = " ".join(text.split())
    assert "Verified signatures: 200" in flat
    assert "Sheriff Pat Doe" in flat
    assert "End 287(g) in Galveston County" in flat
    assert "Maria Elena Sanchez" in flat
    assert "Jose O." in flat
    assert "Jose Luis Ortega" not in flat
    assert "Hidden Person" not in flat
    assert "Pending Named" not in flat
    assert "@" not in text
    assert re.search(r"77550\s*193", text)
    assert re.search(r"77551\s*6", text)
    assert "10001" not in text
    assert re.search(r"Other ZIP codes\s*1", text)


def test_several_versions_each_appear_with_their_count(client, at_goal, leadership):
    v2 = PetitionText.objects.create(
        campaign=at_goal,
        version=2,
        title_en="Version two title",
        title_es="Título dos",
        body_en="Second body.",
        body_es="Segundo texto.",
    )
    SignatureFactory.create_batch(3, campaign=at_goal, petition_text=v2)
    client.force_login(leadership.user)
    flat = " ".join(_pdf_text(client.get(_url(at_goal, "petition.pdf")).content).split())
    assert "Version two title" in flat
    assert "Signed in this version by 3 people." in flat
    assert "Signed in this version by 200 people." in flat


def test_the_kit_waits_for_the_goal(client, campaign, leadership):
    SignatureFactory.create_batch(5, campaign=campaign)
    client.force_login(leadership.user)
    response = client.get(_url(campaign))
    assert response.status_code == 200
    assert "opens when the petition reaches its goal: 5 of 200" in response.content.decode()
    assert client.get(_url(campaign, "petition.pdf")).status_code == 404


def test_the_kit_has_the_checklist_and_no_emails(client, at_goal, leadership):
    client.force_login(leadership.user)
    response = client.get(_url(at_goal))
    html = response.content.decode()
    for step in ("Who goes.", "What to say.", "How to stay safe.", "Ask for a receipt."):
        assert step in html
    assert "petition.pdf" in html
    assert "no-store" in response["Cache-Control"]
    assert "@example.org" not in html
    assert "hidden@secret.org" not in html


def test_others_get_a_404_and_anonymous_visitors_are_sent_to_log_in(client, at_goal, leadership):
    assert client.get(_url(at_goal)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(_url(at_goal)).status_code == 404
    assert client.get(_url(at_goal, "petition.pdf")).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_url(at_goal, "petition.pdf")).status_code == 200


def test_a_former_leader_loses_the_kit(client, at_goal):
    old = LeadershipFactory(campaign=at_goal, ended_at=timezone.now())
    client.force_login(old.user)
    assert client.get(_url(at_goal)).status_code == 404


def _png(size=(20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


def test_recording_the_delivery_marks_the_campaign_delivered(client, at_goal, leadership):
    client.force_login(leadership.user)
    response = client.post(
        _url(at_goal),
        {
            "delivered_on": timezone.localdate().isoformat(),
            "received_by": "Front desk deputy",
            "notes": "Stamped copy received.",
            "photo": SimpleUploadedFile("receipt.png", _png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.signatures_delivered == 200
    assert delivery.recorded_by == leadership.user
    assert delivery.photo.name.startswith("private/delivery/")
    at_goal.refresh_from_db()
    assert at_goal.status == CampaignStatus.DELIVERED
    delivery.photo.delete()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("receipt.png", b"<?php echo 1; ?>", content_type="image/png"),
        SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1)),
    ],
)
def test_the_photo_must_be_a_real_image_of_at_most_5_mb(client, at_goal, leadership, upload):
    client.force_login(leadership.user)
    response = client.post(
        _url(at_goal),
        {"delivered_on": timezone.localdate().isoformat(), "received_by": "Desk", "photo": upload},
    )
    assert response.status_code == 400
    assert Delivery.objects.count() == 0


def test_a_leader_cannot_reach_signer_emails_by_any_url(client, at_goal, leadership):
    client.force_login(leadership.user)
    kw = at_goal.get_absolute_url()
    pages = [
        kw,
        f"{kw}dashboard/",
        f"{kw}tools/",
        f"{kw}training/",
        f"{kw}petition-text/",
        f"{kw}delivery/",
        f"{kw}delivery/petition.pdf",
        f"{kw}count/",
        f"{kw}signed/",
        "/my-campaigns/",
    ]
    for path in pages:
        response = client.get(path)
        body = (
            _pdf_text(response.content)
            if response.get("Content-Type") == "application/pdf"
            else response.content.decode()
        )
        assert "@example.org" not in body, path
        assert "hidden@secret.org" not in body, path
    from django.conf import settings

    admin = client.get(f"/{settings.ADMIN_URL}petitions/signature/")
    assert admin.status_code == 302
    assert "login" in admin["Location"]
    assert "@example.org" not in admin.content.decode()


def test_staff_open_the_delivery_photo_from_admin_and_nobody_else_can(client, at_goal, leadership):
    from django.conf import settings

    from tests.factories import UserFactory

    client.force_login(leadership.user)
    client.post(
        _url(at_goal),
        {
            "delivered_on": timezone.localdate().isoformat(),
            "received_by": "Front desk deputy",
            "photo": SimpleUploadedFile("receipt.png", _png(), content_type="image/png"),
        },
    )
    delivery = Delivery.objects.get()
    photo_url = f"/{settings.ADMIN_URL}petitions/delivery/{delivery.pk}/photo/"
    assert client.get(photo_url).status_code == 302  # the leader is sent to log in as staff

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"/{settings.ADMIN_URL}petitions/delivery/{delivery.pk}/change/")
    assert photo_url in page.content.decode()
    photo = client.get(photo_url)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert "no-store" in photo["Cache-Control"]
    delivery.photo.delete()
