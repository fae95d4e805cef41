"""Paper sheets: the printable sign-up sheet in both languages, typing a sheet in (counted at once as
"signed on paper"), staff rejecting and accepting a batch (the counts and the delivery kit follow),
repeats flagged for the leader, and the sheet's photo kept away from any public address."""

import io
import re
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

from petitions.counting import refresh_tallies
from petitions.models import Invalidation, PaperBatch, Signature
from petitions.paper import SHEET_LINES
from tests.factories import LeadershipFactory, SignatureFactory, UserFactory

from .conftest import committed, post

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def leader(client, leadership):
    client.force_login(leadership.user)
    return leadership.user


def _url(campaign, tail=""):
    return f"{campaign.get_absolute_url()}{tail}"


def _pdf_text(content) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def sheet(lines, **extra):
    """The entry form as a browser posts it: SHEET_LINES lines, the unused ones left blank."""
    data = {
        "row-TOTAL_FORMS": str(SHEET_LINES),
        "row-INITIAL_FORMS": "0",
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": str(SHEET_LINES),
        "language": "en",
        "attested": "on",
    }
    for n in range(SHEET_LINES):
        name, zip_code, visibility = lines[n] if n < len(lines) else ("", "", "counted")
        data[f"row-{n}-name"] = name
        data[f"row-{n}-zip_code"] = zip_code
        data[f"row-{n}-visibility"] = visibility
    data.update(extra)
    return data


THREE = [
    ("Ana María López", "77550", "full_name"),
    ("Pedro Ruiz", "77551", "counted"),
    ("Lucía Gómez", "10001", "first_initial"),
]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(out, "PNG")
    return out.getvalue()


# The printable sheet ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "address"),
    [
        ("en", "End 287(g) in Galveston County", "/campaigns/tx/galveston-county/"),
        ("es", "Pongamos fin al 287(g) en el condado de Galveston", "/es/campaigns/tx/"),
    ],
)
def test_the_sign_up_sheet_has_the_petition_link_and_columns_in_each_language(
    client, campaign, leader, language, title, address
):
    response = client.get(_url(campaign, f"paper/sheet.pdf?lang={language}"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content)
    assert title in text
    assert f"http://testserver{address}" in text
    with translation.override(language):
        columns = [gettext(c) for c in ("Name (please print)", "ZIP code", "Signature")]
        choices = [gettext(c) for c in ("Counted only", "First name and initial", "Full name")]
    for column in columns:
        assert column in text
    for choice in choices:
        assert text.count(choice) == SHEET_LINES
    assert not re.search(r"\bE-?mail\b", text)  # no email column
    assert re.search(rf"\b{SHEET_LINES}\b", text)


def test_the_sheet_is_for_the_leader_and_staff(client, campaign, leadership):
    url = _url(campaign, "paper/sheet.pdf")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 200


# Typing a sheet in --------------------------------------------------------------------------


def test_a_typed_sheet_counts_at_once_as_signed_on_paper(client, campaign, leader):
    SignatureFactory.create_batch(2, campaign=campaign)
    refresh_tallies([campaign])
    assert client.get(_url(campaign, "count/")).json()["counted"] == 2

    response = post(client, _url(campaign, "paper/"), sheet(THREE))

    assert response.status_code == 302
    assert response["Location"] == _url(campaign, "dashboard/")
    batch = PaperBatch.objects.get()
    assert (batch.campaign, batch.entered_by, batch.attested) == (campaign, leader, True)
    assert batch.status == "pending"
    rows = Signature.objects.filter(paper_batch=batch).order_by("pk")
    assert [(s.name, s.zip_code, s.visibility) for s in rows] == THREE
    assert {(s.method, s.status, s.email) for s in rows} == {("paper", "confirmed", "")}
    assert [s.county_resident for s in rows] == [True, True, False]
    assert mail.outbox == []  # no confirmation email for paper

    # The count a visitor sees follows at once, as after an online confirmation.
    assert client.get(_url(campaign, "count/")).json()["counted"] == 5
    dashboard = client.get(response["Location"]).content.decode()
    assert "3 signatures from the sheet are counted as signed on paper." in dashboard
    assert "2 online · 3 signed on paper · 0 signed in person" in dashboard
    client.logout()
    public = client.get(campaign.get_absolute_url()).content.decode()
    assert "5 of 200" in public
    assert "2 online · 3 on paper · 0 in person" in public
    assert "Pedro" not in public and "Ana María" not in public


def test_without_the_attestation_nothing_is_saved_and_the_lines_stay_typed(
    client, campaign, leader
):
    response = client.post(_url(campaign, "paper/"), sheet(THREE, attested=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Confirm that each person on the sheet signed it in person." in html
    assert 'value="Ana María López"' in html
    assert 'value="77551"' in html
    assert '<option value="first_initial" selected>' in html
    assert not PaperBatch.objects.exists()
    assert not Signature.objects.exists()


def test_a_wrong_line_is_pointed_out_and_nothing_is_saved(client, campaign, leader):
    lines = [THREE[0], ("Pedro Ruiz", "7755", "counted"), ("", "77550", "counted")]
    response = client.post(_url(campaign, "paper/"), sheet(lines))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 2: Enter your 5-digit ZIP code, for example 77550." in html
    assert "Line 3: Enter the name written on this line." in html
    assert 'value="7755"' in html
    assert 'value="Ana María López"' in html
    assert not Signature.objects.exists()


def test_an_empty_sheet_is_refused(client, campaign, leader):
    response = client.post(_url(campaign, "paper/"), sheet([]))
    assert response.status_code == 400
    assert "Enter at least one line from the sheet." in response.content.decode()


def test_only_the_active_leader_types_in_sheets(client, campaign, leadership):
    url = _url(campaign, "paper/")
    assert client.get(url).status_code == 302  # anonymous: log in first
    for user in (UserFactory(), UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, sheet(THREE)).status_code == 404
    leadership.ended_at = timezone.now()
    leadership.save()
    client.force_login(leadership.user)
    assert client.post(url, sheet(THREE)).status_code == 404
    assert not Signature.objects.exists()


def test_paper_is_left_out_of_the_goal_when_staff_turn_it_off(client, campaign, leader):
    campaign.paper_counts = False
    campaign.save()
    SignatureFactory(campaign=campaign)
    post(client, _url(campaign, "paper/"), sheet(THREE))

    assert client.get(_url(campaign, "count/")).json()["counted"] == 1
    assert (
        "do not count toward this campaign"
        in client.get(_url(campaign, "dashboard/")).content.decode()
    )


# Repeats ------------------------------------------------------------------------------------


def test_the_same_name_and_zip_is_held_for_the_leader_not_dropped(client, campaign, leader):
    SignatureFactory(campaign=campaign, name="José López", zip_code="77550", method="paper")
    lines = [("jose  LOPEZ", "77550", "counted"), ("José López", "77551", "counted")]

    response = post(client, _url(campaign, "paper/"), sheet(lines))

    repeat = Signature.objects.get(name="jose LOPEZ", zip_code="77550", method="paper")
    other_zip = Signature.objects.get(zip_code="77551")
    assert (repeat.status, repeat.possible_duplicate) == ("pending", True)
    assert (other_zip.status, other_zip.possible_duplicate) == ("confirmed", False)
    assert client.get(_url(campaign, "count/")).json()["counted"] == 2
    dashboard = client.get(response["Location"]).content.decode()
    assert "1 line looks like someone who had already signed." in dashboard
    assert "Check these signatures" in dashboard
    assert "Yes, a different person: count it" in dashboard

    post(client, _url(campaign, f"repeats/{repeat.pk}/"), {"decision": "count"})
    repeat.refresh_from_db()
    assert repeat.status == "confirmed"
    assert client.get(_url(campaign, "count/")).json()["counted"] == 3
    assert "Check these signatures" not in client.get(_url(campaign, "dashboard/")).content.decode()


def test_the_leader_can_remove_a_real_repeat(client, campaign, leader):
    SignatureFactory(campaign=campaign, name="Ana Ruiz", zip_code="77550", method="paper")
    post(client, _url(campaign, "paper/"), sheet([("Ana Ruiz", "77550", "counted")]))
    repeat = Signature.objects.get(method="paper", paper_batch__isnull=False)

    post(client, _url(campaign, f"repeats/{repeat.pk}/"), {"decision": "remove"})

    repeat.refresh_from_db()
    assert repeat.status == "invalidated"
    assert repeat.invalidation.created_by == leader
    assert client.get(_url(campaign, "count/")).json()["counted"] == 1
    # Once answered, a second answer changes nothing.
    post(client, _url(campaign, f"repeats/{repeat.pk}/"), {"decision": "count"})
    repeat.refresh_from_db()
    assert repeat.status == "invalidated"


def test_two_equal_lines_on_one_sheet_are_flagged(client, campaign, leader):
    post(client, _url(campaign, "paper/"), sheet([("Rosa Díaz", "77550", "counted")] * 2))
    assert sorted(Signature.objects.values_list("status", flat=True)) == ["confirmed", "pending"]


def test_another_leader_cannot_answer_for_this_campaign(client, campaign, leader):
    SignatureFactory(campaign=campaign, name="Ana Ruiz", zip_code="77550", method="paper")
    post(client, _url(campaign, "paper/"), sheet([("Ana Ruiz", "77550", "counted")]))
    repeat = Signature.objects.get(method="paper", paper_batch__isnull=False)
    client.force_login(UserFactory())
    assert (
        client.post(_url(campaign, f"repeats/{repeat.pk}/"), {"decision": "count"}).status_code
        == 404
    )
    repeat.refresh_from_db()
    assert repeat.status == "pending"


# Staff review: reject uncounts, accept recounts; the delivery kit follows ------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _review(client, batch, action, reason):
    with committed():
        return client.post(
            f"{ADMIN}petitions/paperbatch/",
            {"action": action, "_selected_action": [batch.pk], "apply": "1", "reason": reason},
        )


def _kit(client, campaign, leadership):
    client.force_login(leadership.user)
    page = client.get(_url(campaign, "delivery/")).content.decode()
    pdf = client.get(_url(campaign, "delivery/petition.pdf"))
    return page, (_pdf_text(pdf.content) if pdf.status_code == 200 else None)


def test_a_rejected_batch_stops_counting_and_accepting_it_again_recounts(
    client, campaign, leadership
):
    SignatureFactory.create_batch(200, campaign=campaign)
    client.force_login(leadership.user)
    post(client, _url(campaign, "paper/"), sheet(THREE))
    batch = PaperBatch.objects.get()

    page, pdf = _kit(client, campaign, leadership)
    assert "Verified signatures: 203" in pdf
    assert "Online: 200 · On paper: 3 · In person: 0" in pdf
    assert "Ana María López" in pdf  # chose her full name
    assert "3 signed on paper" in page

    # Staff reject: a reason is required, then the lines stop counting everywhere.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    asked = _review(client, batch, "reject_batches", "")
    assert asked.status_code == 200
    assert "This field is required." in asked.content.decode()
    batch.refresh_from_db()
    assert batch.status == "pending"

    _review(client, batch, "reject_batches", "The photo shows one handwriting on every line")
    batch.refresh_from_db()
    assert batch.status == "rejected"
    assert batch.reason == "The photo shows one handwriting on every line"
    assert set(batch.signatures.values_list("status", flat=True)) == {"invalidated"}
    assert Invalidation.objects.get().reason == "The photo shows one handwriting on every line"
    assert client.get(_url(campaign, "count/")).json()["counted"] == 200

    page, pdf = _kit(client, campaign, leadership)
    assert "Verified signatures: 200" in pdf
    assert "Online: 200 · On paper: 0 · In person: 0" in pdf
    assert "Ana María López" not in pdf
    dashboard = client.get(_url(campaign, "dashboard/")).content.decode()
    assert "Rejected: The photo shows one handwriting on every line" in dashboard
    assert "0 of 3" in dashboard

    # Accepted after all: exactly those lines count again.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    _review(client, batch, "accept_batches", "Checked with the leader by phone")
    batch.refresh_from_db()
    assert (batch.status, batch.rejection) == ("accepted", None)
    assert set(batch.signatures.values_list("status", flat=True)) == {"confirmed"}
    page, pdf = _kit(client, campaign, leadership)
    assert "Verified signatures: 203" in pdf
    assert "Ana María López" in pdf


def test_accepting_again_restores_a_repeat_to_waiting_not_counted(client, campaign, leader):
    SignatureFactory(campaign=campaign, name="Ana Ruiz", zip_code="77550", method="paper")
    post(client, _url(campaign, "paper/"), sheet([("Ana Ruiz", "77550", "counted"), THREE[1]]))
    batch = PaperBatch.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    _review(client, batch, "reject_batches", "Unclear")
    _review(client, batch, "accept_batches", "Clear now")
    statuses = dict(batch.signatures.values_list("name", "status"))
    assert statuses == {"Ana Ruiz": "pending", "Pedro Ruiz": "confirmed"}


def test_a_signature_invalidated_on_its_own_stays_invalidated_after_accepting(
    client, campaign, leader
):
    from petitions.invalidation import InvalidationCriteria, invalidate_signatures

    post(client, _url(campaign, "paper/"), sheet(THREE))
    batch = PaperBatch.objects.get()
    voided = batch.signatures.get(name="Pedro Ruiz")
    with committed():
        invalidate_signatures(
            InvalidationCriteria(signature_ids=[voided.pk]), reason="Asked to be removed", user=None
        )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    _review(client, batch, "reject_batches", "Unclear")
    _review(client, batch, "accept_batches", "Clear now")
    voided.refresh_from_db()
    assert voided.status == "invalidated"
    assert voided.invalidation.reason == "Asked to be removed"
    assert batch.signatures.filter(status="confirmed").count() == 2


# The photo of the sheet -----------------------------------------------------------------------


def test_the_photo_is_kept_privately_and_only_staff_open_it(client, campaign, leadership):
    client.force_login(leadership.user)
    photo = SimpleUploadedFile("sheet.png", _png(), content_type="image/png")
    post(client, _url(campaign, "paper/"), sheet(THREE, photo=photo))
    batch = PaperBatch.objects.get()
    assert batch.photo.name.startswith("private/paperbatch/")
    assert "sheet" not in batch.photo.name  # a random name, never the uploader's

    # No public address: not under /media/, not for the leader, not for anyone outside admin.
    assert client.get(f"/media/{batch.photo.name}").status_code == 404
    assert client.get(f"/{batch.photo.name}").status_code == 404
    photo_url = f"{ADMIN}petitions/paperbatch/{batch.pk}/photo/"
    for_leader = client.get(photo_url)
    assert for_leader.status_code == 302 and "login" in for_leader["Location"]
    client.logout()
    assert client.get(photo_url).status_code == 302

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == _png()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "sheet.png", b"<html><script>alert(1)</script>", content_type="image/png"
        ),
        SimpleUploadedFile("sheet.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024 + 1)),
    ],
)
def test_the_photo_must_be_an_image_of_at_most_5_mb(client, campaign, leader, upload):
    response = client.post(_url(campaign, "paper/"), sheet(THREE, photo=upload))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The photo is larger than 5 MB" in html or "This file is not a photo" in html
    assert 'value="Ana María López"' in html
    assert not PaperBatch.objects.exists()


def test_a_former_leader_loses_the_sheet_tools(client, campaign):
    old = LeadershipFactory(campaign=campaign, ended_at=timezone.now())
    client.force_login(old.user)
    assert client.get(_url(campaign, "paper/sheet.pdf")).status_code == 404
    assert client.get(_url(campaign, "paper/")).status_code == 404


def test_the_purge_deletes_the_sheet_photo_with_the_names(client, campaign, leader):
    from datetime import date, timedelta

    from petitions.retention import purge_signatures

    photo = SimpleUploadedFile("sheet.png", _png(), content_type="image/png")
    post(client, _url(campaign, "paper/"), sheet(THREE, photo=photo))
    batch = PaperBatch.objects.get()
    stored = batch.photo.storage
    name = batch.photo.name
    assert stored.exists(name)
    campaign.status = "won"
    campaign.outcome_date = date.today() - timedelta(days=100)
    campaign.save()

    with committed():
        purge_signatures(days=90)

    batch.refresh_from_db()
    assert not batch.photo
    assert not stored.exists(name)
    assert set(batch.signatures.values_list("name", flat=True)) == {""}
    assert batch.signatures.filter(status="confirmed").count() == 3  # still counted


def test_paper_is_not_mistaken_for_a_share_channel(client, campaign, leader):
    SignatureFactory.create_batch(5, campaign=campaign, source="whatsapp")
    post(client, _url(campaign, "paper/"), sheet(THREE))
    channels = client.get(_url(campaign, "dashboard/")).context["channels"]
    assert channels == [("WhatsApp", 5)]


def test_the_photo_is_named_by_its_content_and_readable_only_by_the_site(client, campaign, leader):
    # A PNG sent as "sheet.html": the stored name says what the bytes are, never what the
    # uploader claimed, and nobody else on the machine can read the file or list its folder.
    photo = SimpleUploadedFile("sheet.html", _png(), content_type="text/html")
    post(client, _url(campaign, "paper/"), sheet(THREE, photo=photo))
    batch = PaperBatch.objects.get()
    assert batch.photo.name.endswith(".png")
    path = Path(batch.photo.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
