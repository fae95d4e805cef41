"""A leader's tools: tagged share links, the toolkit, the share image and the printable flyer."""

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory

pytestmark = pytest.mark.django_db

PATH = "/campaigns/tx/galveston-county/"
CAMPAIGN_URL = f"http://testserver{PATH}"


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def leader_client(client, campaign):
    client.force_login(LeadershipFactory(campaign=campaign).user)
    return client


def _links(html):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_tools_page_has_share_links_for_each_channel_tagged_with_the_source(
    leader_client, campaign
):
    html = leader_client.get(campaign.get_absolute_url() + "tools/").content.decode()
    links = _links(html)

    whatsapp = next(h for h in links if h.startswith("https://wa.me/?text="))
    assert f"{CAMPAIGN_URL}?src=whatsapp" in parse_qs(urlparse(whatsapp).query)["text"][0]
    facebook = next(h for h in links if h.startswith("https://www.facebook.com/sharer/sharer.php?"))
    assert parse_qs(urlparse(facebook).query)["u"] == [f"{CAMPAIGN_URL}?src=facebook"]
    tweet = next(h for h in links if h.startswith("https://twitter.com/intent/tweet?"))
    assert parse_qs(urlparse(tweet).query)["url"] == [f"{CAMPAIGN_URL}?src=x"]
    assert parse_qs(urlparse(tweet).query)["text"]
    email = next(h for h in links if h.startswith("mailto:"))
    assert f"{CAMPAIGN_URL}?src=email" in unquote(email)
    sms = next(h for h in links if h.startswith("sms:?&body="))
    assert f"{CAMPAIGN_URL}?src=sms" in unquote(sms)

    assert f'value="{CAMPAIGN_URL}"' in html  # the campaign link to copy
    assert "<script" not in html.split("</main>")[0].split('<main id="main"')[1]


def test_toolkit_has_posts_in_english_and_spanish_and_the_email_text(leader_client, campaign):
    html = leader_client.get(campaign.get_absolute_url() + "tools/").content.decode()
    assert 'lang="en"' in html and 'lang="es"' in html
    assert "http://testserver/es/campaigns/tx/galveston-county/?src=facebook" in html
    assert 'id="email-body"' in html
    assert 'data-copy-target="email-body"' in html
    assert "share/1200x630.png" in html and "share/1080x1080.png" in html
    assert "share/1080x1920.png" in html
    assert "flyer.pdf?lang=es" in html


def test_share_image_is_a_png_of_each_size_cached_publicly_for_a_minute(client, campaign):
    sizes = (("1200x630", (1200, 630)), ("1080x1080", (1080, 1080)), ("1080x1920", (1080, 1920)))
    for size, expected in sizes:
        response = client.get(f"{campaign.get_absolute_url()}share/{size}.png")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]
        image = Image.open(BytesIO(response.content))
        image.verify()
        image = Image.open(BytesIO(response.content))
        assert image.text["URL"] == CAMPAIGN_URL
        assert image.format == "PNG"
        assert image.size == expected


def test_unknown_share_image_size_is_not_found(client, campaign):
    assert client.get(f"{campaign.get_absolute_url()}share/10x10.png").status_code == 404


def test_flyer_is_a_pdf_with_the_campaign_link_and_a_qr_code(client, campaign):
    response = client.get(campaign.get_absolute_url() + "flyer.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"{CAMPAIGN_URL}?src=flyer" in text
    assert "Galveston County" in text
    images = [image for page in reader.pages for image in page.images]
    assert images, "the QR code image is embedded"
    qr = images[0].image
    assert qr.size[0] == qr.size[1]  # square
    # No QR decoder is installed: the embedded code must be, pixel for pixel, the code of the link.
    from campaigns.tools import qr_png

    expected = Image.open(qr_png(f"{CAMPAIGN_URL}?src=flyer")).convert("L")
    assert qr.convert("L").tobytes() == expected.tobytes()


def test_flyer_in_spanish_by_parameter_or_page_language(client, campaign):
    for path in (
        PATH + "flyer.pdf?lang=es",
        "/es" + PATH + "flyer.pdf",
    ):
        reader = PdfReader(BytesIO(client.get(path).content))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "http://testserver/es/campaigns/tx/galveston-county/?src=flyer" in text


def test_campaign_page_has_open_graph_and_twitter_tags(client, campaign):
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert f'<meta property="og:url" content="{CAMPAIGN_URL}">' in html
    assert f'<meta property="og:image" content="{CAMPAIGN_URL}share/1200x630.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:title" content="[^"]*Galveston County', html)
    assert '<meta property="og:description"' in html


def test_spanish_campaign_page_shares_the_spanish_address_and_image(client, campaign):
    html = client.get("/es" + PATH).content.decode()
    assert 'content="http://testserver/es/campaigns/tx/galveston-county/"' in html
    assert "http://testserver/es/campaigns/tx/galveston-county/share/1200x630.png" in html


# Issue 13, point 12: share images and flyers are rendered once per version, and misses are limited.


@pytest.fixture
def renders(monkeypatch):
    from campaigns import tools
    from campaigns.views import leader

    made = []

    def counting(real):
        def render(*args, **kwargs):
            made.append(real.__name__)
            return real(*args, **kwargs)

        return render

    monkeypatch.setattr(leader, "share_image", counting(tools.share_image))
    monkeypatch.setattr(leader, "flyer_pdf", counting(tools.flyer_pdf))
    return made


def test_a_share_image_is_rendered_once_per_size_language_and_count(
    client, campaign, renders, monkeypatch
):
    from types import SimpleNamespace

    from campaigns.views import leader

    url = f"{campaign.get_absolute_url()}share/1200x630.png"
    first = client.get(url)
    for _ in range(5):
        assert client.get(url).content == first.content
    assert renders == ["share_image"]
    client.get(f"{campaign.get_absolute_url()}share/1080x1080.png")
    client.get(f"/es{url}")
    assert len(renders) == 3
    monkeypatch.setattr(
        leader, "tally_for", lambda c: SimpleNamespace(counted=37)
    )  # shown from 10 on
    newer = client.get(url)
    assert len(renders) == 4
    assert newer.content != first.content


def test_a_renamed_campaign_gets_a_new_share_image(client, campaign, renders):
    url = f"{campaign.get_absolute_url()}share/1200x630.png"
    client.get(url)
    campaign.name = "Harris County"
    campaign.save()
    client.get(url)
    assert len(renders) == 2


def test_a_flyer_is_rendered_once_per_language_and_petition_text(client, campaign, renders):
    from petitions.models import PetitionText

    url = f"{campaign.get_absolute_url()}flyer.pdf"
    for _ in range(3):
        client.get(url + "?lang=en")
    client.get(url + "?lang=es")
    assert renders == ["flyer_pdf", "flyer_pdf"]
    current = PetitionText.objects.filter(campaign=campaign).order_by("-version").first()
    PetitionText.objects.create(
        campaign=campaign,
        version=(current.version + 1) if current else 1,
        title_en="A new title",
        body_en="A new body",
        title_es="Un título nuevo",
        body_es="Un texto nuevo",
    )
    again = client.get(url + "?lang=en")
    assert len(renders) == 3
    assert "A new title" in "".join(
        p.extract_text() for p in PdfReader(BytesIO(again.content)).pages
    )


def test_share_file_misses_are_rate_limited_and_cache_hits_never(client, renders, monkeypatch):
    from campaigns.views import leader

    monkeypatch.setattr(leader, "SHARE_FILE_RATE", "2/m")
    campaigns = [
        CampaignFactory(county=CountyFactory(fips=fips, name=name))
        for fips, name in (
            ("48167", "Galveston County"),
            ("48201", "Harris County"),
            ("48039", "Brazoria County"),
        )
    ]
    urls = [f"{c.get_absolute_url()}share/1200x630.png" for c in campaigns]
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 200
    limited = client.get(urls[2])
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    for _ in range(10):
        assert client.get(urls[0]).status_code == 200
    assert len(renders) == 2
