"""After signing and confirming: the thank-you page, its share links, and the email's."""

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from campaigns.models import CampaignStatus
from campaigns.sharing import share_links
from petitions.models import Signature

from .conftest import last_mail_to, link_from, post, post_sign

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def _hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def _link(hrefs, start):
    return next(h for h in hrefs if h.startswith(start))


@pytest.mark.parametrize(
    ("language", "path", "words"),
    [
        ("en", "/campaigns/tx/galveston-county/", "I signed the petition"),
        ("es", "/es/campaigns/tx/galveston-county/", "Firmé la petición"),
    ],
)
def test_share_urls_carry_the_signers_words_and_the_link_tagged_by_channel(
    campaign, language, path, words
):
    links = share_links(campaign, language).by_channel()
    url = SITE + path

    whatsapp = parse_qs(urlsplit(links["whatsapp"]).query)["text"][0]
    assert links["whatsapp"].startswith("https://wa.me/?text=")
    assert words in whatsapp and whatsapp.endswith(f"{url}?src=whatsapp")
    # Spaces are %20, never "+": SMS apps and some share pages show a plus sign literally.
    assert "+" not in links["sms"] and "+" not in links["whatsapp"]
    assert links["sms"].startswith("sms:?&body=")
    sms = unquote(links["sms"].removeprefix("sms:?&body="))
    assert words in sms and sms.endswith(f"{url}?src=sms")

    assert links["email"].startswith("mailto:?subject=")
    email = parse_qs(links["email"].removeprefix("mailto:?"))
    assert "287(g)" in email["subject"][0] and "Galveston" in email["subject"][0]
    assert email["body"][0].endswith(f"{url}?src=email")

    assert links["facebook"].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert parse_qs(urlsplit(links["facebook"]).query)["u"] == [f"{url}?src=facebook"]
    assert links["x"].startswith("https://twitter.com/intent/tweet?")
    tweet = parse_qs(urlsplit(links["x"]).query)
    assert tweet["url"] == [f"{url}?src=x"] and words in tweet["text"][0]


def test_spanish_share_text_keeps_its_accents_encoded_as_utf8(campaign):
    links = share_links(campaign, "es").by_channel()
    assert "Firm%C3%A9%20la%20petici%C3%B3n" in links["whatsapp"]
    assert "%C2%BF" in links["sms"]  # the opening "¿"
    # Who decides, as a Spanish sentence names them, with its contractions.
    message = share_links(campaign, "es").message
    assert "Díganle al sheriff y a la comisión del condado de Galveston, Texas" in message


def _share_block_is_there(html, path="/campaigns/tx/galveston-county/"):
    hrefs = _hrefs(html)
    for start in (
        "https://wa.me/?text=",
        "sms:?&body=",
        "mailto:?subject=",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://twitter.com/intent/tweet?",
    ):
        assert _link(hrefs, start), start
    assert f'value="{SITE}{path}?src=link"' in html  # the link to copy
    assert 'data-copy-target="share-link"' in html
    # The share-sheet button is hidden until our script finds navigator.share; no inline script.
    assert re.search(r"<button[^>]*hidden[^>]*data-share-sheet", html)
    assert "/static/js/share.js" in html
    assert "<script>" not in html and "<script nonce" not in html


def test_after_signing_the_check_your_email_page_offers_the_share_links(client, campaign):
    response = post_sign(client, campaign)
    html = client.get(response["Location"]).content.decode()
    assert "Check your email" in html
    _share_block_is_there(html)


def test_confirming_leads_to_the_thank_you_page_with_share_links_not_the_sign_form(
    client, campaign
):
    post_sign(client, campaign)
    confirm = link_from(last_mail_to("ana@example.org"), "confirm")
    response = post(client, confirm)
    assert response.status_code == 302
    assert response["Location"] == f"{campaign.get_absolute_url()}thanks/"
    assert Signature.objects.get().status == "confirmed"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thank you: your signature is counted" in html
    _share_block_is_there(html)
    assert 'name="email"' not in html  # not the sign form again
    # The same page for everyone: nothing of the signer on it.
    assert "ana@example.org" not in html and "Ana" not in html


def test_thank_you_page_in_spanish_has_spanish_words_and_spanish_links(client, campaign):
    html = client.get(f"/es{campaign.get_absolute_url()}thanks/").content.decode()
    assert "Gracias: su firma está contada" in html
    whatsapp = _link(_hrefs(html), "https://wa.me/?text=")
    text = parse_qs(urlsplit(whatsapp).query)["text"][0]
    assert "Firmé la petición" in text
    assert text.endswith(f"{SITE}/es/campaigns/tx/galveston-county/?src=whatsapp")


def test_thank_you_page_asks_the_signer_to_lead_a_campaign_nobody_leads(client, campaign):
    assert campaign.status == CampaignStatus.OPEN
    html = client.get(f"{campaign.get_absolute_url()}thanks/").content.decode()
    assert "This campaign needs a leader" in html
    assert f'href="{campaign.get_absolute_url()}lead/"' in html


def test_thank_you_page_does_not_ask_for_a_leader_when_the_campaign_has_one(
    client, campaign, leadership
):
    campaign.refresh_from_db()
    html = client.get(f"{campaign.get_absolute_url()}thanks/").content.decode()
    assert "This campaign needs a leader" not in html
    assert "/lead/" not in html


@pytest.mark.parametrize(
    ("prefix", "words"), [("", "I signed the petition"), ("/es", "Firmé la petición")]
)
def test_confirmation_email_carries_the_share_links_in_the_signers_language(
    client, campaign, prefix, words
):
    post_sign(client, campaign, prefix=prefix)
    body = last_mail_to("ana@example.org").body
    path = f"{prefix}/campaigns/tx/galveston-county/"
    lines = body.splitlines()
    whatsapp = next(line for line in lines if line.startswith("WhatsApp: https://wa.me/?text="))
    text = parse_qs(urlsplit(whatsapp.removeprefix("WhatsApp: ")).query)["text"][0]
    assert words in text and text.endswith(f"{SITE}{path}?src=whatsapp")
    for start in (
        "sms:?&body=",
        "mailto:?subject=",
        "https://www.facebook.com/sharer/",
        "https://twitter.com/intent/tweet?",
    ):
        assert any(start in line for line in lines), start
    assert f"{SITE}{path}?src=link" in body


def test_each_share_button_carries_a_decorative_icon_drawn_inline(client, campaign):
    html = client.get(f"{campaign.get_absolute_url()}thanks/").content.decode()
    block = html[html.index('class="card-soft share-block"') : html.index("</section>")]

    buttons = re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", block, flags=re.S)
    # WhatsApp, text message, email, Facebook, X, the phone's share sheet, copy the link.
    assert len(buttons) == 7
    for inner in buttons:
        assert re.match(r'\s*<svg class="icon" aria-hidden="true" focusable="false"', inner), inner
        assert re.sub(r"<[^>]+>", "", inner).strip(), "the text stays beside the icon"
    # Drawn inline from our own icon set: nothing fetched from anywhere.
    assert "<img" not in block and "xlink:href" not in block and "<use" not in block
    assert len(set(re.findall(r"<svg .*?</svg>", block, flags=re.S))) == 7  # seven different
