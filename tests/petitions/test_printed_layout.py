"""What leaders print and share, looked at: the flyer, the sign-up sheet and the share images in
English and Spanish, for long county and agency names. No text meets another text, the QR code or
an image; nothing runs off the page; the petition's ask is printed whole; the QR code scans.

Each page and image is also saved under test-results/layout/ to be looked at by a person.
"""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from campaigns.documents import Printed
from campaigns.models import Target
from campaigns.tools import SHARE_SIZES, campaign_url, flyer, share_layout
from petitions.delivery import delivery_pdf, delivery_summary
from petitions.models import PetitionText
from petitions.paper import SHEET_LINES, sheet
from petitions.texts import current_petition, render_petition
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory

pytestmark = pytest.mark.django_db

LONG_AGENCY = "Metropolitan Government of Nashville and Davidson County Sheriff's Office"
OUT = Path(settings.BASE_DIR) / "test-results" / "layout"
LANGUAGES = ["en", "es"]


@pytest.fixture(params=["lewis-and-clark", "nashville"])
def campaign(request):
    if request.param == "lewis-and-clark":
        return CampaignFactory(
            county=CountyFactory(fips="30049", name="Lewis and Clark County", state="MT")
        )
    # A campaign titled with its (very long) agency's name, with no sheriff's name on file.
    campaign = CampaignFactory(
        county=CountyFactory(fips="47037", name="Davidson County", state="TN"),
        name=LONG_AGENCY,
        slug="metro-nashville-sheriff",
        with_contract=False,
    )
    Target.objects.create(campaign=campaign, role="sheriff", office=LONG_AGENCY, name="")
    PetitionText.objects.create(campaign=campaign, version=1, **render_petition(campaign))
    return campaign


def _ask(campaign, language) -> str:
    """The petition's last sentence: its ask, which a cut-off text loses first."""
    body = current_petition(campaign).body(language)
    return re.split(r"(?<=[.:])\s+", body.strip())[-1]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _assert_laid_out(printed: Printed):
    assert printed.boxes
    m = printed.margin
    for box in printed.boxes:
        assert m - 0.01 <= box.x0 < box.x1 <= printed.width - m + 0.01, box
        assert m - 0.01 <= box.y0 < box.y1 <= printed.height - m + 0.01, box
    for n, one in enumerate(printed.boxes):
        for other in printed.boxes[n + 1 :]:
            assert not one.overlaps(other), (one, other)


def _pages(data: bytes, name: str) -> list[Path]:
    """Each page rendered at 72 dpi, as a phone shows a PDF, saved for a person to look at."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    pdf = OUT / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(OUT / name)], check=True)
    return sorted(OUT.glob(f"{name}-*.png"))


def _decoded(png: Path) -> list[str]:
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=False
    )
    return found.stdout.split()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_flyer_keeps_its_blocks_apart_and_prints_the_whole_petition(campaign, language):
    printed = flyer(campaign, language=language, petition=current_petition(campaign))

    _assert_laid_out(printed)
    text = _pdf_text(printed.data)
    assert _flat(_ask(campaign, language)) in text
    url = campaign_url(campaign, language=language, source="flyer")
    assert url in text
    pages = _pages(printed.data, f"flyer-{campaign.slug}-{language}")
    assert len(pages) == 1
    if shutil.which("zbarimg"):
        # At 72 dpi the code is small; the 150 dpi render is what a phone camera sees of paper.
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-png",
                str(OUT / f"flyer-{campaign.slug}-{language}.pdf"),
                str(OUT / "scan"),
            ],
            check=True,
        )
        assert url in _decoded(next(OUT.glob("scan-*.png")))
        for scan in OUT.glob("scan-*.png"):
            scan.unlink()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_up_sheet_has_all_its_lines_on_one_page_and_the_petition_whole(campaign, language):
    printed = sheet(campaign, language=language)

    _assert_laid_out(printed)
    numbers = [b for b in printed.boxes if b.kind == "text" and b.label.isdigit()]
    assert sorted(int(b.label) for b in numbers) == list(range(1, SHEET_LINES + 1))
    assert {b.page for b in numbers} == {1}
    # Every page carries the campaign's header: the band and the QR code.
    pages = {b.page for b in printed.boxes}
    for page in pages:
        assert any(b.page == page and b.kind == "band" for b in printed.boxes)
        assert any(b.page == page and b.kind == "qr" for b in printed.boxes)
    text = _pdf_text(printed.data)
    assert _flat(_ask(campaign, language)) in text
    assert len(_pages(printed.data, f"sheet-{campaign.slug}-{language}")) == len(pages) == 2


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(SHARE_SIZES))
@pytest.mark.parametrize("count", [3, 137])
def test_each_share_image_keeps_its_blocks_apart(campaign, language, size, count):
    with translation.override(language):
        printed = share_layout(campaign, size=size, count=count)

    _assert_laid_out(printed)
    OUT.mkdir(parents=True, exist_ok=True)
    png = OUT / f"share-{campaign.slug}-{language}-{size}-{count}.png"
    png.write_bytes(printed.data)
    assert Image.open(png).size == SHARE_SIZES[size]
    drawn = " ".join(b.label for b in printed.boxes if b.kind == "text")
    assert campaign_url(campaign, language=language).split("://", 1)[-1] in drawn
    with translation.override(language):
        invitation = translation.gettext("Be one of the first to sign.")
    if count < 10:
        # No empty bar at a low count: an invitation instead.
        assert invitation in drawn
        assert not [b for b in printed.boxes if b.label == "progress bar"]
    else:
        assert invitation not in drawn
        assert "137" in drawn


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_story_image_has_a_qr_code_that_scans(campaign, language):
    with translation.override(language):
        printed = share_layout(campaign, size="1080x1920", count=3)

    png = OUT / f"story-scan-{campaign.slug}-{language}.png"
    OUT.mkdir(parents=True, exist_ok=True)
    png.write_bytes(printed.data)
    assert campaign_url(campaign, language=language) in _decoded(png)
    # Clear of the bands stories cover with their own controls (the top and bottom ~11%).
    for box in printed.boxes:
        assert box.y0 >= 1920 * 0.1 and box.y1 <= 1920 * 0.9, box


def test_the_spanish_petition_opens_al_sheriff_on_every_printed_document(campaign):
    if campaign.name != LONG_AGENCY:
        Target.objects.filter(campaign=campaign).update(name="")
        PetitionText.objects.filter(campaign=campaign).update(**render_petition(campaign))

    body = current_petition(campaign).body("es")
    assert body.startswith("Al sheriff, ")
    SignatureFactory(campaign=campaign)  # the delivery prints the texts people signed
    summary = delivery_summary(campaign)
    for data in (
        flyer(campaign, language="es", petition=current_petition(campaign)).data,
        sheet(campaign, language="es").data,
        delivery_pdf(summary, language="es"),
    ):
        text = _pdf_text(data)
        assert "Al sheriff" in text
        assert not re.search(r"\b[Aa] el\b", text)


def test_spanish_texts_stored_before_the_fix_are_contracted_and_a_leaders_words_kept(campaign):
    from importlib import import_module

    from django.apps import apps

    text = current_petition(campaign)
    text.body_es = "A el Sheriff, y a los funcionarios: nuestras palabras de El Paso."
    text.save()

    import_module("petitions.migrations.0007_spanish_al_sheriff").contract(apps, None)

    text.refresh_from_db()
    assert text.body_es == "Al sheriff, y a los funcionarios: nuestras palabras de El Paso."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_petition_too_long_for_one_page_flows_on_and_keeps_its_ask(campaign, language):
    text = current_petition(campaign)
    long_body = "\n\n".join([text.body(language)] * 3)
    PetitionText.objects.filter(pk=text.pk).update(body_en=long_body, body_es=long_body)

    printed = flyer(campaign, language=language, petition=current_petition(campaign))

    _assert_laid_out(printed)
    assert len({b.page for b in printed.boxes}) == 2
    assert _flat(_ask(campaign, language)) in _pdf_text(printed.data)
    assert [b for b in printed.boxes if b.kind == "qr"][0].page == 2
    assert len(_pages(printed.data, f"flyer-long-{campaign.slug}-{language}")) == 2
