"""The right target and the right ask (issue 14, point 4).

A sheriff's campaign asks the sheriff and the county commissioners; a city police department's,
its police chief and the mayor and city council; a statewide agency's, its director and the
governor. What it asks follows the agreement: end it (no end date), do not renew it (an end
ahead, with the days left), keep it ended, end it now (renewed after its known end). A contract's
dates read as one status line that never contradicts itself.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns import asks
from campaigns.asks import campaign_ask, status_line, target_title
from campaigns.importing import parse_contract_file
from campaigns.models import (
    Agency,
    AgencyType,
    Campaign,
    Contract,
    ContractModel,
    ContractStatus,
    County,
    Jurisdiction,
    TargetRole,
)
from campaigns.services import import_contracts, set_up_campaign
from petitions.texts import current_petition, ensure_petition_texts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ICE_SOURCE = "ICE 287(g) participatingAgencies05182026am.xlsx (RelevantResearch/287g-DetentionData)"
TODAY = timezone.localdate()

KINDS = ["county", "city", "state"]
STATUSES = ["no_end", "end_ahead", "ended", "renewed"]


def _contract_fields(status: str) -> dict:
    if status == "no_end":
        return {"signed_date": date(2020, 6, 16), "status": ContractStatus.ACTIVE}
    if status == "end_ahead":
        return {
            "signed_date": TODAY - timedelta(days=300),
            "expires": TODAY + timedelta(days=30),
            "status": ContractStatus.ACTIVE,
        }
    if status == "ended":
        return {
            "signed_date": date(2016, 2, 1),
            "expires": date(2019, 6, 30),
            "status": ContractStatus.EXPIRED,
        }
    return {
        "signed_date": date(2016, 2, 1),
        "expires": date(2019, 6, 30),
        "status": ContractStatus.RENEWED,
        "status_changed": date(2026, 5, 20),
    }


def _campaign(kind: str, status: str) -> Campaign:
    baldwin = County.objects.create(fips="01003", name="Baldwin County", state="AL")
    if kind == "county":
        agency = Agency.objects.create(
            name="Baldwin County Sheriff's Office",
            agency_type=AgencyType.SHERIFF,
            state="AL",
            county=baldwin,
        )
        campaign = Campaign.objects.create(
            state="AL", county=baldwin, name=baldwin.name, slug="baldwin-county"
        )
    else:
        if kind == "city":
            agency = Agency.objects.create(
                name="Foley Police Department",
                agency_type=AgencyType.POLICE,
                state="AL",
                county=baldwin,
                jurisdiction=Jurisdiction.CITY,
                city="Foley",
            )
        else:
            agency = Agency.objects.create(
                name="Alabama Department of Corrections",
                agency_type=AgencyType.CORRECTIONS,
                state="AL",
                jurisdiction=Jurisdiction.STATE,
            )
        campaign = Campaign.objects.create(
            state="AL", agency=agency, name=agency.name, slug="agency"
        )
    Contract.objects.create(
        agency=agency,
        model=ContractModel.TASK_FORCE,
        source=ICE_SOURCE,
        **_contract_fields(status),
    )
    set_up_campaign(campaign)
    ensure_petition_texts()
    return campaign


TITLES = {
    "county": ("the sheriff", "el sheriff"),
    "city": ("the police chief", "el jefe o la jefa de policía"),
    "state": ("the agency's director", "la dirección de la agencia"),
}
LABELS = {
    "county": ("What the sheriff may see", "Qué puede ver el sheriff"),
    "city": ("What the police chief may see", "Qué puede ver el jefe o la jefa de policía"),
    "state": ("What the agency's director may see", "Qué puede ver la dirección de la agencia"),
}
ADDRESSED = {
    "county": (
        "To the sheriff, Baldwin County Sheriff's Office, and the county commissioners of Baldwin "
        "County, Alabama:",
        "Al sheriff, a la Oficina del Sheriff del condado de Baldwin y a la comisión del condado "
        "de Baldwin, Alabama:",
    ),
    "city": (
        "To the police chief, Foley Police Department, and the mayor and city council of Foley, "
        "Alabama:",
        "Al jefe o la jefa de policía, al Departamento de Policía de Foley y al alcalde o la "
        "alcaldesa y el concejo municipal de Foley, Alabama:",
    ),
    "state": (
        "To the agency's director, Alabama Department of Corrections, and the governor of Alabama:",
        "A la dirección de la agencia, a Alabama Department of Corrections y al gobernador o la "
        "gobernadora de Alabama:",
    ),
}
RESIDENTS = {
    "county": (
        "We, residents of Baldwin County and",
        "Nosotros, residentes del condado de Baldwin y",
    ),
    "city": ("We, people who live in Foley and", "Nosotros, personas que viven en Foley y"),
    "state": ("We, people who live in Alabama and", "Nosotros, personas que viven en Alabama y"),
}
ASKS = {
    "no_end": (
        "ask you to end the 287(g) agreement between",
        "les pedimos que terminen el acuerdo 287(g) entre",
    ),
    "end_ahead": (
        "ask you not to renew the 287(g) agreement between",
        "les pedimos que no renueven el acuerdo 287(g) entre",
    ),
    "ended": ("ended, and not to sign a new one.", "siga terminado y que no firmen uno nuevo."),
    "renewed": (
        "ask you to end now the 287(g) agreement between",
        "les pedimos que terminen ya el acuerdo 287(g) entre",
    ),
}
ASK_KINDS = {
    "no_end": asks.AskKind.END,
    "end_ahead": asks.AskKind.NOT_RENEW,
    "ended": asks.AskKind.KEEP_ENDED,
    "renewed": asks.AskKind.END_NOW,
}
STATUS_LINES = {
    "no_end": (
        "Signed June 16, 2020; in force, no end date (ICE's list of May 18, 2026)",
        "Firmado el 16 de junio de 2020; vigente, sin fecha de fin (lista de ICE del 18 de mayo "
        "de 2026)",
    ),
    "ended": (
        "Signed Feb. 1, 2016; ended on June 30, 2019",
        "Firmado el 1 de febrero de 2016; terminó el 30 de junio de 2019",
    ),
    "renewed": (
        "Signed Feb. 1, 2016; ran to June 30, 2019; renewed on May 20, 2026",
        "Firmado el 1 de febrero de 2016; su plazo llegaba hasta el 30 de junio de 2019; "
        "renovado el 20 de mayo de 2026",
    ),
}
ROLES = {
    "county": {TargetRole.SHERIFF, TargetRole.COUNTY_COMMISSION},
    "city": {TargetRole.POLICE_CHIEF, TargetRole.MAYOR_COUNCIL},
    "state": {TargetRole.AGENCY_HEAD, TargetRole.GOVERNOR},
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_agency_gets_its_head_and_its_elected_officials_as_targets(kind):
    campaign = _campaign(kind, "no_end")
    assert set(campaign.targets.values_list("role", flat=True)) == ROLES[kind]
    set_up_campaign(campaign)  # again: nobody added twice
    assert campaign.targets.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", [0, 1], ids=["en", "es"])
def test_target_ask_and_status_line_for_each_agency_and_agreement(client, kind, status, lang):
    language = ("en", "es")[lang]
    campaign = _campaign(kind, status)
    contract = campaign.contracts().get()

    assert target_title(campaign, language) == TITLES[kind][lang]
    assert asks.visibility_label(campaign, language) == LABELS[kind][lang]

    ask = campaign_ask(campaign)
    assert ask.kind == ASK_KINDS[status]
    if status == "end_ahead":
        assert (ask.end_date, ask.days_left) == (TODAY + timedelta(days=30), 30)

    body = current_petition(campaign).body(language)
    assert body.startswith(ADDRESSED[kind][lang])
    assert RESIDENTS[kind][lang] in body
    assert ASKS[status][lang] in body
    assert "not to renew, and to end" not in body and "no renueven, y que terminen" not in body
    for other, sentences in ASKS.items():
        if other != status:
            assert sentences[lang] not in body

    line = status_line(contract, language)
    if status in STATUS_LINES:
        assert line == STATUS_LINES[status][lang]
    # One line, never two that contradict: no end date and an end; ended and in force.
    words = {
        "en": ("no end date", "until", "ran to", "ended", "in force"),
        "es": ("sin fecha de fin", "hasta el", "llegaba hasta", "terminó", "vigente"),
    }[language]
    no_end, until, ran_to, ended, in_force = words
    assert not (no_end in line and (until in line or ran_to in line))
    assert not (ended in line and in_force in line)

    page = client.get(("/es" if lang else "") + campaign.get_absolute_url()).content.decode()
    assert LABELS[kind][lang].replace("'", "&#x27;") in page
    assert line.replace("'", "&#x27;") in page


@pytest.mark.django_db
def test_an_end_ahead_reads_with_its_days_left_on_the_page(client):
    campaign = _campaign("city", "end_ahead")
    english = client.get(campaign.get_absolute_url()).content.decode()
    assert (
        "that the police chief and the mayor and city council of Foley, Alabama not renew it"
        in english
    )
    assert "30 days left." in english
    spanish = client.get("/es" + campaign.get_absolute_url()).content.decode()
    assert "quedan 30 días." in spanish
    assert "no lo renueven" in spanish


def test_an_expiry_before_its_signing_is_an_older_term_not_a_contradiction():
    contract = Contract(
        signed_date=date(2020, 6, 16),
        expires=date(2019, 6, 30),
        status=ContractStatus.RENEWED,
        source=ICE_SOURCE,
    )
    assert status_line(contract, "en") == (
        "Signed June 16, 2020; in force, no end date (ICE's list of May 18, 2026)"
    )
    assert asks.contract_ask(contract).kind == asks.AskKind.END


def _import_2026():
    path = FIXTURES / "287g_agreements_2026-05.csv"
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    assert not problems
    import_contracts(rows)


@pytest.mark.django_db
def test_a_police_departments_campaign_reads_right_in_english_and_spanish(client):
    _import_2026()
    campaign = Campaign.objects.get(state="AL", name="Camp Hill Police Department")
    assert set(campaign.targets.values_list("role", flat=True)) == ROLES["city"]

    english = client.get(campaign.get_absolute_url()).content.decode()
    assert "What the police chief may see" in english
    assert "people who live in Camp Hill" in english
    assert (
        "the police chief, Camp Hill Police Department, and the mayor and city council of "
        in english
    )
    assert "Signed Dec. 8, 2025; in force, no end date (ICE&#x27;s list of May 18, 2026)" in english
    assert (
        "that the police chief and the mayor and city council of Camp Hill, Alabama end it."
        in english
    )
    for wrong in (
        "residents of Camp Hill Police Department",
        "elected officials of Camp Hill Police Department",
        "What the sheriff may see",
        "the sheriff or ICE",
        "not to renew, and to end",
        "expires",
    ):
        assert wrong not in english

    spanish = client.get("/es" + campaign.get_absolute_url()).content.decode()
    assert "Qué puede ver el jefe o la jefa de policía" in spanish
    assert "personas que viven en Camp Hill" in spanish
    assert "Al jefe o la jefa de policía, al Departamento de Policía de Camp Hill" in spanish
    assert "Firmado el 8 de diciembre de 2025; vigente, sin fecha de fin" in spanish
    for wrong in ("Qué puede ver el sheriff", "residentes de el Departamento", "no renueven, y"):
        assert wrong not in spanish


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "status", "english", "spanish"),
    [
        (
            "county",
            "end_ahead",
            "Tell the sheriff and the county commissioners of Baldwin County, Alabama: do not "
            "renew the 287(g) agreement with ICE.",
            "Díganle al sheriff y a la comisión del condado de Baldwin, Alabama: no renueven el "
            "acuerdo 287(g) con ICE.",
        ),
        (
            "city",
            "no_end",
            "Tell the police chief and the mayor and city council of Foley, Alabama: end the "
            "287(g) agreement with ICE.",
            "Díganle al jefe o la jefa de policía y al alcalde o la alcaldesa y el concejo "
            "municipal de Foley, Alabama: pongan fin al acuerdo 287(g) con ICE.",
        ),
        (
            "state",
            "ended",
            "Tell the agency's director and the governor of Alabama: keep the 287(g) agreement "
            "with ICE ended.",
            "Díganle a la dirección de la agencia y al gobernador o la gobernadora de Alabama: "
            "que el acuerdo 287(g) con ICE siga terminado.",
        ),
    ],
)
def test_the_flyers_call_to_action_names_who_decides_and_the_ask(kind, status, english, spanish):
    campaign = _campaign(kind, status)
    assert asks.call_to_action(campaign, "en") == english
    assert asks.call_to_action(campaign, "es") == spanish
