"""Every page in Spanish: a complete, compiled catalog; no English left on a Spanish page; the
signer's emails, dates and numbers in the signer's language; a language choice that sticks.

The English detector does not trust the catalog to be complete: it looks for each English msgid
(translated or not) and for English function words, so an empty catalog or a string nobody
marked for translation both fail.
"""

import gettext
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from campaigns.models import ContractModel, ContractStatus
from petitions import tokens
from tests.factories import (
    CampaignFactory,
    ContractFactory,
    CountyFactory,
    LeadershipFactory,
    SignatureFactory,
    UserFactory,
    training_steps,
)

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES"
CAMPAIGN = "/es/campaigns/tx/galveston-county/"


# The catalog -----------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _po_entries() -> list[Entry]:
    """Every live entry of the Spanish .po file (obsolete "#~" entries are skipped)."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?)\s+"(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = _unquote(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += _unquote(line[1:-1])
        if fields.get("msgid"):
            msgstrs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgid_plural=fields.get("msgid_plural", ""),
                    msgctxt=fields.get("msgctxt"),
                    msgstrs=msgstrs,
                    fuzzy=fuzzy,
                )
            )
    return entries


def _nplurals() -> int:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return int(re.search(r"nplurals=(\d+)", text).group(1))


def test_spanish_catalog_is_complete():
    entries = _po_entries()
    assert len(entries) > 300, "the catalog looks truncated: run `make messages`"
    missing = [e.msgid for e in entries if e.fuzzy or not all(e.msgstrs)]
    assert not missing, f"{len(missing)} untranslated or fuzzy strings, e.g. {missing[:10]}"
    short = [e.msgid for e in entries if e.msgid_plural and len(e.msgstrs) != _nplurals()]
    assert not short, f"plural forms missing for {short[:5]}"


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|</?a\b[^>]*>", text))


def test_spanish_translations_keep_every_placeholder():
    """A dropped %(name)s or {url} would print nothing; an unknown one would crash the page."""
    wrong = []
    for e in _po_entries():
        for n, msgstr in enumerate(e.msgstrs):
            if not e.msgid_plural:
                ok = _placeholders(msgstr) == _placeholders(e.msgid)
            elif n == 0:  # the singular may say "one" instead of printing the number
                ok = set(_placeholders(msgstr)) <= set(_placeholders(e.msgid_plural))
            else:
                ok = _placeholders(msgstr) == _placeholders(e.msgid_plural)
            if msgstr and not ok:
                wrong.append((e.msgid, msgstr))
    assert not wrong, wrong[:5]


def test_spanish_catalog_is_compiled_and_current():
    mo = LOCALE / "django.mo"
    assert mo.exists(), "run `make messages`"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001
    stale = []
    for e in _po_entries():
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural:
            compiled = [catalog.get((key, n)) for n in range(len(e.msgstrs))]
        else:
            compiled = [catalog.get(key)]
        if compiled != e.msgstrs:
            stale.append(e.msgid)
    assert not stale, f"django.mo is older than django.po (run `make messages`): {stale[:5]}"


# The English detector --------------------------------------------------------------------------

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
_TEXT_ATTRS = ("aria-label", "title", "alt", "placeholder")
_TEXT_META = {
    "description",
    "og:title",
    "og:description",
    "og:image:alt",
    "twitter:title",
    "twitter:description",
}


class _SpanishText(HTMLParser):
    """The text a person reads or hears on the page, outside elements marked lang="en".

    Visible text, plus what a screen reader or a link preview says: aria-label, title, alt,
    placeholder, button values and the page's description.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.chunks: list[str] = []

    def _reading(self, lang=None, skip=False) -> bool:
        if skip or any(hidden for _t, _l, hidden in self.stack):
            return False
        langs = [lang_ for _t, lang_, _h in self.stack if lang_] + ([lang] if lang else [])
        return not langs or not langs[-1].lower().startswith("en")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skip = tag in ("script", "style", "template")
        if self._reading(lang, skip):
            self.chunks.extend(attrs[a] for a in _TEXT_ATTRS if attrs.get(a))
            if tag == "meta" and (attrs.get("name") or attrs.get("property")) in _TEXT_META:
                self.chunks.append(attrs.get("content") or "")
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.chunks.append(attrs.get("value") or "")
        if tag not in _VOID:
            self.stack.append((tag, lang, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and self._reading():
            self.chunks.append(data)


def spanish_text(html: str) -> list[str]:
    parser = _SpanishText()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


def _english_phrases() -> list[str]:
    """Pieces of English UI text (between placeholders and tags) the catalog must not leave as is.

    Taken from every msgid, translated or not: with an empty catalog they all show up in English.
    A piece the translation itself keeps (a proper name such as "Jail Enforcement") is left out.
    """
    phrases = set()
    for e in _po_entries():
        translated = " ".join(e.msgstrs).casefold()
        for source in filter(None, (e.msgid, e.msgid_plural)):
            for piece in re.split(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}|<[^>]+>|%%|\n", source):
                piece = " ".join(piece.split()).strip(" .,:;·")
                if len(piece) >= 12 and " " in piece and piece.casefold() not in translated:
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


# Words that are never Spanish: one of them in a Spanish page's text is English left behind.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "with", "this", "that", "is", "are", "was", "were", "will",
    "have", "our", "of", "to", "for", "from", "not", "please", "been", "which", "what",
    "when", "who", "can", "could", "should", "it", "its", "on", "in", "by", "or", "an", "at",
    "password", "sign", "signed", "email", "search", "save", "cancel", "required", "field",
    "back", "next", "here", "yes",
}  # fmt: skip


def english_left(html: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """English phrases and text nodes with English words on a page meant to be in Spanish.

    `data` lists what the database put on the page (county, agency and sheriff names), which
    stays as entered.
    """
    chunks = spanish_text(html)
    text = " ".join(chunks)
    found = [p for p in _english_phrases() if p in text]
    for chunk in chunks:
        rest = chunk
        for value in data:
            rest = rest.replace(value, " ")
        rest = re.sub(r"\S+://\S+|\S+@\S+|/\S*", " ", rest)  # addresses and paths
        words = {w.casefold() for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", rest)}
        if words & ENGLISH_WORDS:
            found.append(chunk)
    return found


DATA = ("Galveston County Sheriff's Office", "Galveston County", "Sheriff Pat Doe", "Rosa")


def test_the_detector_finds_english(db):
    """The checks below are only worth something if English on a Spanish page is caught."""
    page = (
        '<html lang="es"><head><title>Firme</title></head><body>'
        "<p>Firme la petición</p><p>Sign the petition</p>"
        '<button aria-label="Close the menu">x</button>'
        '<p lang="en">Only in English on purpose</p>'
        "<p>Galveston County Sheriff's Office</p>"
        "</body></html>"
    )
    left = english_left(page, data=DATA)
    assert "Sign the petition" in left
    assert "Close the menu" in left
    assert not [s for s in left if "purpose" in s or "Galveston" in s]
    assert english_left("<p>Firme la petición para Galveston County</p>", data=DATA) == []


def test_every_english_msgid_would_be_caught_untranslated():
    """Run against an "empty catalog": each UI phrase, shown untranslated, is detected."""
    phrases = _english_phrases()
    assert len(phrases) > 300
    for phrase in ("Sign the petition", "Confirm my signature", "Become a Leader"):
        assert phrase in phrases
        assert english_left(f'<html lang="es"><p>{phrase}</p></html>')


# The pages -------------------------------------------------------------------------------------


@pytest.fixture
def campaign(db):
    campaign = CampaignFactory()
    contract = campaign.contracts().first()
    contract.signed_date = date(2016, 2, 1)
    contract.expires = date(2019, 6, 30)
    contract.status = ContractStatus.EXPIRED
    contract.save()
    return campaign


@pytest.fixture
def pending(campaign):
    return SignatureFactory(campaign=campaign, status="pending", language="es")


PUBLIC_PAGES = [
    "/es/",
    "/es/learn/",
    "/es/privacy/",
    "/es/search/",
    "/es/search/?q=77550",
    "/es/search/?q=galveston",
    "/es/search/?q=zzzz",
    "/es/search/?q=00000",
    "/es/search/?q=" + "x" * 300,
    "/es/map/",
    "/es/campaigns/",
    "/es/campaigns/?open=1&state=TX",
    CAMPAIGN,
    CAMPAIGN + "sign/",
    CAMPAIGN + "signed/",
    "/es/accounts/login/",
    "/es/accounts/signup/",
    "/es/accounts/password/reset/",
    "/es/accounts/password/reset/done/",
    "/es/accounts/confirm-email/not-a-key/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_english_left_on_a_public_spanish_page(client, campaign, path):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert not english_left(html, data=DATA), path


def _link_pages(signature):
    confirm = tokens.confirm_token(signature.uid)
    return {
        "confirm": f"/es/confirm/{confirm}/",
        "withdraw": f"/es/withdraw/{tokens.withdraw_token(signature.uid)}/",
        "unsubscribe": f"/es/unsubscribe/{tokens.unsubscribe_token(signature.uid)}/",
        "invalid": "/es/confirm/not-a-token/",
    }


@pytest.mark.parametrize("kind", ["confirm", "withdraw", "unsubscribe", "invalid"])
def test_email_link_pages_are_in_spanish(client, pending, kind):
    response = client.get(_link_pages(pending)[kind])
    assert response.status_code in (200, 404)
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert not english_left(html, data=DATA)


def test_expired_confirmation_link_page_is_in_spanish(client, pending, settings):
    token = tokens.confirm_token(pending.uid)
    settings.CONFIRMATION_LINK_MAX_AGE = timedelta(seconds=-1)
    response = client.get(f"/es/confirm/{token}/")
    assert response.status_code == 410
    assert not english_left(response.content.decode(), data=DATA)


def test_withdraw_and_unsubscribe_answers_are_in_spanish(client, pending):
    links = _link_pages(pending)
    for kind in ("withdraw", "unsubscribe"):
        response = client.post(links[kind])
        assert response.status_code == 200
        assert not english_left(response.content.decode(), data=DATA), kind


def test_confirming_thanks_the_signer_in_spanish(client, pending):
    response = client.post(_link_pages(pending)["confirm"], follow=True)
    assert response.redirect_chain[-1][0] == CAMPAIGN + "thanks/"
    html = response.content.decode()
    assert "Gracias: su firma está contada" in html
    assert not english_left(html, data=DATA)


def test_not_found_page_is_in_spanish(client, db):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    assert not english_left(response.content.decode(), data=DATA)


def test_sign_form_errors_are_in_spanish(client, campaign):
    response = client.post(
        CAMPAIGN + "sign/", {"name": "", "email": "not-an-email", "zip_code": "12"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Por favor, corrija lo siguiente:" in html
    assert not english_left(html, data=DATA)


def test_signup_errors_are_in_spanish(client, db):
    response = client.post(
        "/es/accounts/signup/", {"email": "nope", "password1": "1", "password2": "2"}
    )
    assert response.status_code == 200
    assert not english_left(response.content.decode(), data=DATA)


@pytest.fixture
def leader(campaign, settings):
    settings.SIGNATURE_GOAL = 2
    training_steps()
    leadership = LeadershipFactory(campaign=campaign, public_name="Rosa")
    SignatureFactory.create_batch(2, campaign=campaign, language="es")
    return leadership


LEADER_PAGES = [
    "dashboard/",
    "training/",
    "training/how-287g-works/",
    "tools/",
    "petition-text/",
    "step-down/",
    "delivery/",
    "paper/",
    "table/",  # closed: the page says so and offers to open it
    "lead/",  # an active leader is sent on to the dashboard
]


@pytest.mark.parametrize("subpath", LEADER_PAGES)
def test_no_english_left_on_a_leader_page(client, leader, subpath):
    client.force_login(leader.user)
    response = client.get(CAMPAIGN + subpath, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es"' in html
    # The toolkit shows its English posts inside lang="en", which the detector skips.
    assert not english_left(html, data=(*DATA, leader.user.email)), subpath


def test_the_signing_table_speaks_spanish_to_each_signer(client, leader):
    """At a table the leader's phone goes from hand to hand: the form, its errors, the thanks."""
    client.force_login(leader.user)
    opened = client.post(CAMPAIGN + "table/open/", follow=True)
    assert opened.redirect_chain[-1][0] == CAMPAIGN + "table/"
    assert not english_left(opened.content.decode(), data=DATA)
    refused = client.post(CAMPAIGN + "table/", {"name": "", "zip_code": "1"})
    assert not english_left(refused.content.decode(), data=DATA)
    signed = client.post(
        CAMPAIGN + "table/", {"name": "Lucía Gómez", "zip_code": "77550"}, follow=True
    )
    assert "Firmado. ¡Gracias! Por favor, devuelva el dispositivo." in signed.content.decode()
    assert not english_left(signed.content.decode(), data=DATA)


def test_my_campaigns_page_is_in_spanish(client, leader):
    client.force_login(leader.user)
    response = client.get("/es/my-campaigns/")
    assert not english_left(response.content.decode(), data=(*DATA, leader.user.email))


def test_become_a_leader_and_taken_pages_are_in_spanish(client, leader):
    """Another person opens Become a Leader: first the commitment page, then "already led"."""
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    client.force_login(UserFactory())
    commit = client.get(f"/es/campaigns/tx/{other.slug}/lead/")
    assert commit.status_code == 200
    assert not english_left(commit.content.decode(), data=(*DATA, "Harris County"))
    taken = client.get(CAMPAIGN + "lead/")
    assert taken.status_code == 200
    assert not english_left(taken.content.decode(), data=DATA)


def test_become_a_leader_sends_a_visitor_to_the_spanish_sign_up(client, campaign):
    response = client.get(CAMPAIGN + "lead/")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/accounts/signup/")


def test_logout_page_is_in_spanish(client, db):
    client.force_login(UserFactory())
    response = client.get("/es/accounts/logout/")
    assert response.status_code == 200
    assert not english_left(response.content.decode(), data=DATA)


def test_toolkit_and_flyer_are_offered_in_both_languages(client, leader):
    client.force_login(leader.user)
    html = client.get(CAMPAIGN + "tools/").content.decode()
    assert "Volante (PDF) en español" in html and "Volante (PDF) en inglés" in html
    # The ready-made post carries the campaign's own ask, in Spanish.
    assert "colabora con ICE por medio de un acuerdo 287(g). Díganle al sheriff" in html
    assert "works with ICE through a 287(g) agreement. Tell the sheriff" in html  # lang="en"


def test_training_and_sample_petition_exist_in_both_languages(db):
    from campaigns.training_content import STEPS
    from petitions import defaults

    for step in STEPS:
        for key in ("title", "body"):
            assert step[f"{key}_es"] and step[f"{key}_es"] != step[f"{key}_en"]
    assert defaults.TITLE_ES != defaults.TITLE_EN and defaults.BODY_ES != defaults.BODY_EN
    placeholders = re.compile(r"\{[a-z]+\}")
    assert set(placeholders.findall(defaults.BODY_ES)) == set(
        placeholders.findall(defaults.BODY_EN)
    )


def test_campaign_page_shows_the_spanish_petition(client, campaign):
    html = client.get(CAMPAIGN).content.decode()
    assert "Pongamos fin al 287(g) en el condado de Galveston" in html


@pytest.fixture
def wake(db):
    return CampaignFactory(county=CountyFactory(fips="37183", name="Wake County", state="NC"))


def test_state_names_are_written_in_spanish(client, wake):
    page = client.get("/es/campaigns/nc/wake-county/").content.decode()
    assert "Pongamos fin al 287(g) en el condado de Wake, Carolina del Norte" in page
    assert "del condado de Wake, Carolina del Norte:" in page  # the petition's salutation
    assert "Carolina del Norte" in client.get("/es/map/").content.decode()
    assert "North Carolina" not in client.get("/es/campaigns/").content.decode()
    assert "North Carolina" in client.get("/map/").content.decode()


def test_search_finds_a_state_by_its_spanish_name(client, wake):
    html = client.get("/es/search/", {"q": "Carolina del Norte"}).content.decode()
    assert "Se encontró 1 campaña." in html
    assert "Todas las campañas en Carolina del Norte" in html


# Emails ----------------------------------------------------------------------------------------


def _sign(client, prefix, email, django_capture_on_commit_callbacks):
    data = {
        "name": "Lucía Gómez",
        "email": email,
        "zip_code": "77550",
        "visibility": "counted",
        "website": "",
        "src": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{prefix}/campaigns/tx/galveston-county/sign/", data)
    assert response.status_code == 303


def test_a_spanish_signer_gets_the_confirmation_email_in_spanish(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    _sign(client, "/es", "lucia@example.org", django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.subject.startswith("Confirme su firma:")
    assert "Pongamos fin al 287(g) en el condado de Galveston" in message.subject
    assert "Gracias por firmar la petición" in message.body
    assert "http://testserver/es/confirm/" in message.body
    assert "http://testserver/es/withdraw/" in message.body
    assert "<http://testserver/es/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert not english_left(_mail_text(message), data=DATA)


def test_an_english_signer_gets_the_confirmation_email_in_english(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    _sign(client, "", "ann@example.org", django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.subject.startswith("Confirm your signature:")
    assert "http://testserver/confirm/" in message.body


def test_a_spanish_signer_who_signs_again_is_told_in_spanish(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    SignatureFactory(campaign=campaign, email="lucia@example.org", language="es")
    _sign(client, "/es", "lucia@example.org", django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.subject.startswith("Usted ya firmó:")
    assert "Usted ya la había firmado y confirmado" in message.body
    assert "http://testserver/es/withdraw/" in message.body
    assert not english_left(_mail_text(message), data=DATA)


def _mail_text(message) -> str:
    return f"<p>{message.subject}</p><pre>{message.body}</pre>"


def test_a_spanish_signup_gets_the_verification_email_in_spanish(client, db, mailoutbox):
    """allauth's own Spanish says "tú"; the site's templates speak as the rest of it does."""
    response = client.post(
        "/es/accounts/signup/",
        {
            "email": "rosa@example.org",
            "password1": "una-clave-bastante-larga-1",
            "password2": "una-clave-bastante-larga-1",
        },
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject.endswith("Confirme su correo electrónico")
    assert "Para confirmar su correo electrónico, abra este enlace:" in message.body
    assert "/es/accounts/confirm-email/" in message.body
    assert not english_left(_mail_text(message), data=DATA)


@pytest.mark.parametrize("known", [True, False])
def test_a_spanish_password_reset_email_is_in_spanish(client, db, mailoutbox, known):
    if known:
        UserFactory(email="rosa@example.org")
    response = client.post("/es/accounts/password/reset/", {"email": "rosa@example.org"})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert "/es/accounts/" in message.body
    assert not english_left(_mail_text(message), data=DATA)


# Dates and numbers -----------------------------------------------------------------------------


def test_dates_are_written_the_spanish_way(client, campaign):
    spanish = client.get(CAMPAIGN).content.decode()
    assert "Firmado el 1 de febrero de 2016; terminó el 30 de junio de 2019." in spanish
    english = client.get("/campaigns/tx/galveston-county/").content.decode()
    assert "Signed Feb. 1, 2016; ended on June 30, 2019." in english


def test_home_page_dates_the_cohort_in_spanish(client, campaign):
    ContractFactory(
        agency=campaign.contracts().first().agency,
        model=ContractModel.WARRANT_SERVICE_OFFICER,
        expires=date(2019, 6, 30),
    )
    html = client.get("/es/").content.decode()
    assert "El 30 de junio de 2019, 2 acuerdos entre ICE y la policía local debían vencer." in html


def test_large_numbers_are_grouped_for_the_language(client, campaign, settings):
    settings.SIGNATURE_GOAL = 1500
    spanish = client.get(CAMPAIGN).content.decode()
    assert "0 de 1,500" in spanish  # US Spanish groups as US English does
    english = client.get("/campaigns/tx/galveston-county/").content.decode()
    assert "0 of 1,500" in english


def test_leader_dashboard_numbers_are_grouped_for_the_language(client, leader, settings):
    settings.SIGNATURE_GOAL = 2500
    client.force_login(leader.user)
    html = client.get(CAMPAIGN + "dashboard/").content.decode()
    assert "2 firmas confirmadas" in html and "meta: 2,500" in html


# Choosing the language -------------------------------------------------------------------------


def test_accept_language_spanish_gets_the_spanish_home_page(client, db):
    response = client.get("/", headers={"accept-language": "es-US,es;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_choosing_spanish_sticks_on_later_visits(client, campaign):
    response = client.get(reverse("choose_language", args=["es"]) + f"?next={CAMPAIGN[3:]}")
    assert response.status_code == 302
    assert response["Location"] == CAMPAIGN
    # Later, with a browser that asks for English, the chosen language still wins.
    later = client.get("/learn/", headers={"accept-language": "en-US,en"})
    assert later.status_code == 302
    assert later["Location"] == "/es/learn/"


@pytest.mark.parametrize("path", ["/es/", CAMPAIGN, "/es/map/", "/es/accounts/login/"])
def test_every_spanish_page_links_to_english(client, campaign, path):
    html = client.get(path).content.decode()
    english_link = reverse("choose_language", args=["en"])
    assert f'href="{english_link}?next=' in html
    assert 'lang="en" hreflang="en"' in html
