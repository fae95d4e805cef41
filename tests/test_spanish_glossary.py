"""Spanish as an editor reads it: the glossary's terms, places and agencies named in Spanish,
US Spanish numbers, times and dates, counts with a singular, date inputs that keep their value,
links that say where they go, and a delivered campaign that says when.
"""

import re
from datetime import date, datetime, time
from html.parser import HTMLParser

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from campaigns.forms import DeliveryPlanForm, OutcomeForm
from campaigns.places import agency_name, contract_articles, place_name
from petitions.forms import DeliveryForm
from petitions.models import Delivery
from tests.factories import CampaignFactory, CountyFactory, SignatureFactory
from tests.test_spanish import (
    CAMPAIGN,
    LEADER_PAGES,
    PUBLIC_PAGES,
    _link_pages,
    _mail_text,
    _po_entries,
    campaign,  # noqa: F401  (fixtures)
    leader,  # noqa: F401
    pending,  # noqa: F401
)

# Places and agencies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("county", "state", "spanish"),
    [
        ("Etowah County", "AL", "el condado de Etowah"),
        ("El Paso County", "TX", "el condado de El Paso"),
        ("Orleans Parish", "LA", "la parroquia de Orleans"),
        ("Richmond city", "VA", "la ciudad independiente de Richmond"),
        ("Matanuska-Susitna Borough", "AK", "el distrito de Matanuska-Susitna"),
        ("Juneau City and Borough", "AK", "la ciudad y distrito de Juneau"),
        ("Bethel Census Area", "AK", "el área censal de Bethel"),
        ("Anchorage Municipality", "AK", "el municipio de Anchorage"),
        ("Carson City", "NV", "Carson City"),  # no rule: the English name stays
    ],
)
def test_place_names_in_spanish(county, state, spanish):
    assert place_name(county, state, "es") == spanish
    assert place_name(county, state, "en") == county


def test_place_name_without_article_for_headings():
    assert place_name("Etowah County", "AL", "es", article=False) == "condado de Etowah"


@pytest.mark.parametrize(
    ("agency", "spanish"),
    [
        ("Etowah County Sheriff's Office", "la Oficina del Sheriff del condado de Etowah"),
        ("Orleans Parish Sheriff’s Office", "la Oficina del Sheriff de la parroquia de Orleans"),
        ("Harris County Sheriff's Department", "la Oficina del Sheriff del condado de Harris"),
        ("Foley Police Department", "el Departamento de Policía de Foley"),
        ("Florida Department of Corrections", "Florida Department of Corrections"),
    ],
)
def test_agency_names_in_spanish(agency, spanish):
    assert agency_name(agency, "es") == spanish
    assert agency_name(agency, "en") == agency


def test_articles_contract_but_a_proper_name_keeps_its_el():
    assert contract_articles("A el sheriff, de el condado") == "Al sheriff, del condado"
    assert contract_articles("los vecinos de El Paso") == "los vecinos de El Paso"


def test_place_filters_follow_the_page_language(db):
    galveston = CampaignFactory()
    template = Template("{% load places %}{{ c|place }} / {{ c|place_title }}")
    with translation.override("es"):
        assert template.render(Context({"c": galveston})) == (
            "el condado de Galveston / Condado de Galveston"
        )
    with translation.override("en"):
        assert template.render(Context({"c": galveston})) == "Galveston County / Galveston County"


# The petition --------------------------------------------------------------------------------


def test_spanish_petition_names_the_place_and_agency_in_spanish(client, campaign):  # noqa: F811
    html = client.get(CAMPAIGN).content.decode()
    assert "Pongamos fin al 287(g) en el condado de Galveston" in html
    assert (
        "Al sheriff Pat Doe, a la Oficina del Sheriff del condado de Galveston y a la "
        "comisión del condado de Galveston, Texas:"
    ) in html
    assert "residentes del condado de Galveston" in html
    assert "Galveston County" not in html.split('id="petition')[-1].split("</section>")[0]


def test_english_petition_is_unchanged(client, campaign):  # noqa: F811
    html = client.get("/campaigns/tx/galveston-county/").content.decode()
    assert "To Sheriff Pat Doe, Galveston County Sheriff&#x27;s Office" in html


def test_a_louisiana_parish_petition_says_parroquia(client, db):
    CampaignFactory(county=CountyFactory(fips="22071", name="Orleans Parish", state="LA"))
    html = client.get("/es/campaigns/la/orleans-parish/").content.decode()
    assert "Pongamos fin al 287(g) en la parroquia de Orleans" in html
    assert "a la Oficina del Sheriff de la parroquia de Orleans" in html


# The glossary on every Spanish page and email ------------------------------------------------

# What the glossary rules out, and grammar a place name with its article must not produce.
FORBIDDEN = [
    (re.compile(r"\bcontratos?\b", re.I), 'say "acuerdo", not "contrato"'),
    (re.compile(r"\b[Aa] el\b"), '"a el" contracts to "al"'),
    (re.compile(r"\b[Dd]e el\b"), '"de el" contracts to "del"'),
    (re.compile(r"(?<![\d,.])1 (personas|firmas|campañas|días|líneas|hojas)\b"), "a count of 1"),
    (re.compile(r"Fin al 287\(g\)"), 'the slogan is "Pongamos fin al 287(g) en …"'),
    (re.compile(r"\b(certificadas|dirigentes?|lo normal es)\b"), "glossary term"),
    (re.compile(r"\b[A-Z][a-z]+ (County|Parish)\b(?! Sheriff)"), "an English place name"),
]


def glossary_faults(text: str) -> list[str]:
    return [f"{why}: {m.group(0)!r}" for rx, why in FORBIDDEN for m in rx.finditer(text)]


def _visible(html: str) -> str:
    from tests.test_spanish import spanish_text

    return " ".join(spanish_text(html))


def test_the_glossary_check_catches_what_it_should():
    text = "Pongan fin al contrato 287(g) en Etowah County. A el sheriff: 1 personas."
    assert len(glossary_faults(text)) == 4


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_spanish_pages_follow_the_glossary(client, campaign, path):  # noqa: F811
    response = client.get(path)
    faults = glossary_faults(_visible(response.content.decode()))
    assert not faults, (path, faults)


@pytest.mark.parametrize("subpath", LEADER_PAGES)
def test_leader_spanish_pages_follow_the_glossary(client, leader, subpath):  # noqa: F811
    client.force_login(leader.user)
    html = client.get(CAMPAIGN + subpath, follow=True).content.decode()
    assert not glossary_faults(_visible(html)), subpath


@pytest.mark.parametrize("kind", ["confirm", "withdraw", "unsubscribe"])
def test_email_link_pages_follow_the_glossary(client, pending, kind):  # noqa: F811
    html = client.get(_link_pages(pending)[kind]).content.decode()
    assert not glossary_faults(_visible(html))


def test_spanish_emails_follow_the_glossary(
    sign_over_http,
    campaign,  # noqa: F811
    mailoutbox,
):
    signed = sign_over_http(campaign, prefix="/es", name="Lucía Gómez", email="lucia@example.org")
    SignatureFactory(campaign=campaign, email="ana@example.org", language="es")
    again = sign_over_http(campaign, prefix="/es", name="Lucía Gómez", email="ana@example.org")
    assert signed.status_code == again.status_code == 303
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        text = _mail_text(message)
        assert "el condado de Galveston" in text
        assert not glossary_faults(text), message.subject


def test_the_catalog_follows_the_glossary():
    faults = []
    for entry in _po_entries():
        for msgstr in entry.msgstrs:
            for rx, why in FORBIDDEN[:1] + FORBIDDEN[4:6]:
                if rx.search(msgstr):
                    faults.append((why, msgstr[:60]))
    assert not faults, faults[:5]


def test_the_site_has_one_name_in_both_languages(client, campaign):  # noqa: F811
    for path in ("/es/", "/", CAMPAIGN):
        title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode(), re.S)
        assert title.group(1).strip().endswith("End 287(g)")
        assert "Fin al" not in title.group(1)


# Counts with a singular --------------------------------------------------------------------


def test_one_person_at_the_signing_table_is_singular(client, leader):  # noqa: F811
    client.force_login(leader.user)
    client.post(CAMPAIGN + "table/open/")
    client.post(CAMPAIGN + "table/", {"name": "Lucía Gómez", "zip_code": "77550"})
    # The table's locked-down mode ends only with the leader's password.
    html = client.post(
        CAMPAIGN + "table/close/", {"password": "a-long-test-password-1"}, follow=True
    ).content.decode()
    assert "La mesa de firmas está cerrada. Firmó 1 persona en ella." in html


# Formats -----------------------------------------------------------------------------------


def _render(source: str, **context) -> str:
    return Template("{% load humanize %}" + source).render(Context(context))


def test_spanish_numbers_times_and_dates_are_us_spanish():
    with translation.override("es"):
        assert intcomma(1500) == "1,500"
        assert _render("{{ n|floatformat:1 }}", n=1234.5) == "1234.5"
        assert _render("{{ t|time }}", t=time(15, 5)) == "3:05 p. m."
        assert _render("{{ t|time }}", t=time(9, 30)) == "9:30 a. m."
        assert _render("{{ d|date }}", d=date(2026, 3, 4)) == "4 de marzo de 2026"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2026, 3, 4)) == (
            "4 de marzo de 2026"
        )
        assert _render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', d=datetime(2026, 3, 4, 15, 5)) == (
            "4 de marzo de 2026, 3:05 p. m."
        )
    with translation.override("en"):
        assert intcomma(1500) == "1,500"


# Date inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (DeliveryPlanForm, "planned_on"),
        (OutcomeForm, "outcome_date"),
        (DeliveryForm, "delivered_on"),
    ],
)
def test_date_inputs_carry_iso_values_in_spanish(db, form_class, field):
    """A browser drops value="31/12/2026" from <input type="date">: the date looked empty."""
    with translation.override("es"):
        html = str(form_class(initial={field: date(2026, 12, 31)})[field])
    assert 'type="date"' in html
    assert 'value="2026-12-31"' in html


def test_a_planned_delivery_date_survives_saving_again_in_spanish(client, leader):  # noqa: F811
    client.force_login(leader.user)
    client.post(CAMPAIGN + "delivery-plan/", {"planned_on": "2026-12-31"})
    html = client.get(CAMPAIGN + "dashboard/").content.decode()
    value = re.search(
        r'name="planned_on"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="planned_on"', html
    )
    shown = value.group(1) or value.group(2)
    assert shown == "2026-12-31"
    client.post(CAMPAIGN + "delivery-plan/", {"planned_on": shown})  # saved again, unchanged
    leader.refresh_from_db()
    assert leader.delivery_planned_on == date(2026, 12, 31)


# Meaning -----------------------------------------------------------------------------------


def test_privacy_page_says_when_names_are_deleted(client, db, settings):
    settings.PURGE_AFTER_DAYS = 90
    spanish = client.get("/es/privacy/").content.decode()
    assert "se borran 90 días después de que termina una campaña" in spanish
    english = client.get("/privacy/").content.decode()
    assert "deleted 90 days after a campaign ends" in english


def test_petition_text_note_says_the_target_gets_what_people_signed(client, leader):  # noqa: F811
    client.force_login(leader.user)
    html = client.get(CAMPAIGN + "petition-text/").content.decode()
    assert "para que el texto que se entregue al sheriff sea el mismo que la gente firmó" in html


# The delivered banner ----------------------------------------------------------------------


def test_a_delivered_campaign_says_to_whom_and_when(client, campaign):  # noqa: F811
    Delivery.objects.create(campaign=campaign, delivered_on=date(2026, 3, 4), received_by="Desk")
    campaign.status = "delivered"
    campaign.save(update_fields=["status"])
    english = client.get("/campaigns/tx/galveston-county/").content.decode()
    assert "Delivered to Galveston County Sheriff&#x27;s Office on March 4, 2026." in english
    spanish = client.get(CAMPAIGN).content.decode()
    assert (
        "Entregada a la Oficina del Sheriff del condado de Galveston el 4 de marzo de 2026."
        in spanish
    )


def test_an_open_campaign_has_no_delivery_banner(client, campaign):  # noqa: F811
    assert "Entregada a" not in client.get(CAMPAIGN).content.decode()


# Links say where they go ---------------------------------------------------------------------

# Lighthouse's list of link texts that say nothing (its English and Spanish entries).
GENERIC_LINK_TEXTS = {
    "click here", "click this", "go", "here", "information", "learn more", "learn more.",
    "more", "more info", "more information", "right here", "read more", "see more", "start",
    "this", "continue", "aquí", "haga clic aquí", "más", "más información", "leer más",
    "ver más", "información", "clic aquí", "pulse aquí", "seguir", "continuar",
}  # fmt: skip


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.texts: list[str] = []
        self.label = None

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.depth += 1
            self.label = dict(attrs).get("aria-label")
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "a" and self.depth:
            self.depth -= 1
            if self.label:
                self.texts[-1] = self.label

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def link_texts(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [" ".join(t.split()).casefold() for t in parser.texts]


MAIN_PAGES = ["/", "/learn/", "/privacy/", "/map/", "/campaigns/", "/search/?q=galveston"]


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("path", [*MAIN_PAGES, "/campaigns/tx/galveston-county/"])
def test_every_link_says_where_it_goes(client, campaign, prefix, path):  # noqa: F811
    texts = link_texts(client.get(prefix + path).content.decode())
    assert texts, path
    generic = [t for t in texts if t.strip(" .…›»→") in GENERIC_LINK_TEXTS]
    assert not generic, (prefix + path, generic)


def test_the_link_check_catches_learn_more():
    assert link_texts('<a href="/learn/">Learn more</a>') == ["learn more"]


# Campaigns already on the first wording ------------------------------------------------------


def test_seed_content_moves_unsigned_campaigns_to_the_current_spanish(client, db):
    from django.core.management import call_command

    from campaigns.management.commands.seed_content import _previous_spanish
    from petitions import defaults
    from petitions.models import PetitionTemplate

    template = PetitionTemplate.objects.create(
        title_en=defaults.SECOND_TITLE_EN,
        title_es=defaults.PREVIOUS_TITLE_ES,
        body_en=defaults.SECOND_BODY_EN,
        body_es=defaults.PREVIOUS_BODY_ES,
    )
    unsigned = CampaignFactory()
    signed = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    for c in (unsigned, signed):
        title_es, body_es = _previous_spanish(c)
        c.petition_texts.update(title_es=title_es, body_es=body_es)
    assert (
        "Pongan fin al contrato 287(g) en Galveston County" in client.get(CAMPAIGN).content.decode()
    )
    SignatureFactory(campaign=signed)

    call_command("seed_content", verbosity=0)

    template.refresh_from_db()
    assert template.body_es == defaults.BODY_ES  # through the second wording to the current
    page = client.get(CAMPAIGN).content.decode()
    assert "Pongamos fin al 287(g) en el condado de Galveston" in page
    assert "Al sheriff Pat Doe, a la Oficina del Sheriff del condado de Galveston" in page
    assert list(unsigned.petition_texts.values_list("version", flat=True).order_by("version")) == [
        1,
        2,
        3,
    ]
    assert signed.petition_texts.count() == 1  # people signed that text: it stays
    call_command("seed_content", verbosity=0)  # idempotent
    assert unsigned.petition_texts.count() == 3


def test_stepping_down_names_the_county_with_its_contraction(client, leader):  # noqa: F811
    client.force_login(leader.user)
    html = client.post(CAMPAIGN + "step-down/", follow=True).content.decode()
    assert "Ya no es líder del condado de Galveston. Gracias por su trabajo." in html
