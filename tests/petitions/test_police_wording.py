"""A city police department's campaign never speaks of a sheriff: its page, the confirmation and
its email, the leader's training, dashboard, delivery kit, paper sheet and typing-in page, in
English and Spanish."""

import io
import re
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from campaigns.importing import parse_contract_file
from campaigns.models import Campaign
from campaigns.services import import_contracts
from petitions.texts import ensure_petition_texts
from tests.factories import LeadershipFactory, training_steps

from .conftest import last_mail_to, link_from, post, post_sign

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LANGUAGES = [("en", ""), ("es", "/es")]


@pytest.fixture
def camp_hill():
    path = FIXTURES / "287g_agreements_2026-05.csv"
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert import_contracts(rows, problems=problems).written
    ensure_petition_texts()
    training_steps()
    return Campaign.objects.get(state="AL", slug="camp-hill-police-department")


def _no_sheriff(text: str, where: str) -> None:
    # "sheriff" is the word in Spanish too ("el sheriff", "Oficina del Sheriff").
    found = re.findall(r".{0,60}sheriff.{0,60}", text, flags=re.IGNORECASE)
    assert not found, f"{where}: {found}"


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_a_police_campaigns_public_pages_never_say_sheriff(client, camp_hill, language, prefix):
    page = client.get(prefix + camp_hill.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    _no_sheriff(html, "campaign page")
    heading = re.search(r"<h1>([^<]+)</h1>", html).group(1)
    assert "Camp Hill, Alabama" in heading
    assert "Police Department, Alabama" not in heading and "Policía de Camp Hill" not in heading

    with translation.override("en"):  # the address without a prefix; the prefix says the language
        post_sign(client, camp_hill, prefix=prefix, zip_code="36850")
    email = last_mail_to("ana@example.org")
    _no_sheriff(email.subject + email.body, "confirmation email")
    confirm = client.get(link_from(email, "confirm"))
    assert confirm.status_code == 200
    _no_sheriff(confirm.content.decode(), "confirmation page")
    head = "police chief" if language == "en" else "jefe o la jefa de policía"
    assert head in confirm.content.decode()


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_a_police_campaigns_leader_pages_never_say_sheriff(client, camp_hill, language, prefix):
    leadership = LeadershipFactory(campaign=camp_hill)
    client.force_login(leadership.user)
    with translation.override("en"):
        base = prefix + camp_hill.get_absolute_url()

    training = client.get(base + "training/")
    assert training.status_code == 200
    _no_sheriff(training.content.decode(), "training")
    for step in training_steps():
        response = client.get(f"{base}training/{step.slug}/")
        assert response.status_code == 200
        _no_sheriff(response.content.decode(), f"training step {step.slug}")
    first = client.get(f"{base}training/how-287g-works/").content.decode()
    elected = (
        "the mayor and city council of Camp Hill, Alabama"
        if language == "en"
        else "del alcalde o la alcaldesa y el concejo municipal de Camp Hill, Alabama"
    )
    assert elected in first

    sheet = client.get(f"{base}paper/sheet.pdf?lang={language}")
    assert sheet.status_code == 200
    text = _pdf_text(sheet.content)
    _no_sheriff(text, "paper sheet")
    assert ("police chief may see" if language == "en" else "jefe o la jefa de policía") in (
        " ".join(text.split())
    )
    for page in ("dashboard/", "delivery/"):
        response = client.get(base + page)
        assert response.status_code == 200
        _no_sheriff(response.content.decode(), page)
    entry = client.get(base + "paper/")
    assert entry.status_code == 200
    _no_sheriff(entry.content.decode(), "typing in a paper sheet")


def test_a_county_campaign_still_names_its_sheriff(client, camp_hill):
    baldwin = Campaign.objects.get(state="AL", county__name="Baldwin County")
    leadership = LeadershipFactory(campaign=baldwin)
    client.force_login(leadership.user)
    step = client.get(baldwin.get_absolute_url() + "training/keeping-signers-safe/")
    assert "Signers choose what the sheriff may see" in step.content.decode()
    step = client.get("/es" + baldwin.get_absolute_url() + "training/delivering-safely/")
    assert "a la oficina pública del sheriff" in step.content.decode()


def test_a_signer_in_the_police_departments_county_counts_as_a_resident_of_the_area(
    client, camp_hill
):
    with translation.override("en"):
        post_sign(client, camp_hill, zip_code="36850")  # Camp Hill, Tallapoosa County
        post_sign(client, camp_hill, email="bo@example.org", zip_code="77550")  # Galveston, TX
    for address in ("ana@example.org", "bo@example.org"):
        post(client, link_from(last_mail_to(address), "confirm"))  # and the count's refresh
    html = client.get(camp_hill.get_absolute_url()).content.decode()
    assert "1 resident of the area · 1 supporter elsewhere" in " ".join(html.split())
    html = client.get("/es" + camp_hill.get_absolute_url()).content.decode()
    assert "1 residente de la zona" in html
