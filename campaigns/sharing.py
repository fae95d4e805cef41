"""Share links: a campaign's address tagged by channel, and the share URL of each channel.

One place builds them for everyone who shares: the thank-you page and the confirmation email (a
signer's words) and the leader's tools (the leader's words). Every link opens the platform's own
share page or the phone's app: no script of theirs on our pages.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import asks, places
from .models import Campaign

# The channels a signer or leader shares through, in the order pages list them.
SHARE_CHANNELS = ("whatsapp", "sms", "email", "facebook", "x")


def campaign_url(campaign: Campaign, *, language: str | None = None, source: str = "") -> str:
    """The absolute campaign address in a language, tagged with the channel that carries it."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        url = settings.SITE_URL + campaign.get_absolute_url()
    return f"{url}?{urlencode({'src': source})}" if source else url


def _query(params: dict) -> str:
    # %20 rather than +: some share pages (and every phone's SMS app) show a literal plus sign.
    return urlencode(params, quote_via=quote)


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    href: str


@dataclass(frozen=True)
class ShareKit:
    """What a share block shows: the plain link to copy, the message, and one link per channel."""

    link: str
    message: str
    links: list[ShareLink]

    def by_channel(self) -> dict[str, str]:
        return {share.channel: share.href for share in self.links}


def signer_message(campaign: Campaign, language: str) -> dict[str, str]:
    """A signer's words to friends: short text, email subject and body (the body has no link)."""
    with translation.override(language):
        # In Spanish "el condado de Galveston, Texas": a place inside a sentence has its article.
        place = f"{places.campaign_place(campaign, language)}, {campaign.state_name}"
        # Who decides and what the petition asks of them, by agency type and agreement state.
        ask = asks.call_to_action(campaign, language)
        words = {
            "text": _("I signed the petition. {ask} Will you sign too? It takes a minute:").format(
                ask=ask
            ),
            "email_subject": _("Will you sign too? End 287(g) in {place}").format(place=place),
            "email_body": _(
                "Hello,\n\nI just signed the petition to end 287(g) in {place}. {ask} Under "
                "287(g), local officers act as immigration agents. It takes a minute to sign, and "
                "you choose whether your name is shown or only counted:"
            ).format(place=place, ask=ask),
        }
    if language.startswith("es"):
        words = {key: places.contract_articles(text) for key, text in words.items()}
    return {key: capfirst(text) for key, text in words.items()}


def share_links(
    campaign: Campaign,
    language: str,
    *,
    text: str | None = None,
    email_subject: str | None = None,
    email_body: str | None = None,
) -> ShareKit:
    """The share links of a campaign in a language, each carrying the address tagged ?src=<channel>.

    Without words given, a signer's (signer_message). An email body that does not already carry
    the address gets it, tagged "email", at its end.
    """
    words = signer_message(campaign, language)
    text = text if text is not None else words["text"]
    email_subject = email_subject if email_subject is not None else words["email_subject"]
    email_body = email_body if email_body is not None else words["email_body"]

    def tagged(source: str) -> str:
        return campaign_url(campaign, language=language, source=source)

    if tagged("email") not in email_body:
        email_body = f"{email_body}\n\n{tagged('email')}"
    with translation.override(language):
        links = [
            ShareLink(
                "whatsapp",
                "WhatsApp",
                "https://wa.me/?" + _query({"text": f"{text} {tagged('whatsapp')}"}),
            ),
            # sms:?&body= is the form both iOS and Android read.
            ShareLink("sms", _("Text message"), "sms:?&body=" + quote(f"{text} {tagged('sms')}")),
            ShareLink(
                "email",
                _("Email"),
                "mailto:?" + _query({"subject": email_subject, "body": email_body}),
            ),
            ShareLink(
                "facebook",
                "Facebook",
                "https://www.facebook.com/sharer/sharer.php?" + _query({"u": tagged("facebook")}),
            ),
            ShareLink(
                "x",
                "X",
                "https://twitter.com/intent/tweet?" + _query({"text": text, "url": tagged("x")}),
            ),
        ]
    return ShareKit(link=tagged("link"), message=text, links=links)
