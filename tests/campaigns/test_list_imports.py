"""A newer ICE list is news: its summary first, nothing changed until staff confirm (once), the
agreements it no longer names marked until staff confirm they ended or a later list has them
again, and one email to each leader and signer concerned, in their language."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from campaigns import list_imports
from campaigns.ice_lists import Change
from campaigns.importing import parse_contract_file
from campaigns.models import (
    Agency,
    Campaign,
    Contract,
    ContractImport,
    ContractImportStatus,
    ContractModel,
    ContractStatus,
)
from campaigns.services import import_contracts
from tests.factories import LeadershipFactory, SignatureFactory, UserFactory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HEADER = "state,agency,agency_type,county,model,signed_date,expires,source\n"
OLD_SOURCE = "ICE 287(g) participating entities as of 2025-01-04"
NEW_SOURCE = "ICE 287(g) participatingAgencies05182026am.xlsx"
NEW_DATE = date(2026, 5, 18)

OLD_LIST = HEADER + "".join(
    f"{row},{OLD_SOURCE}\n"
    for row in [
        "TX,Galveston County Sheriff's Office,sheriff,Galveston County,jail_enforcement,2020-06-09,",
        "TX,Harris County Sheriff's Office,sheriff,Harris County,task_force,2020-06-09,",
        "TX,Nueces County Sheriff's Office,sheriff,Nueces County,warrant_service_officer,2020-06-09,",
    ]
)
# Galveston stays; Harris moves from task force to jail enforcement; Nueces is gone; League
# City's police (in Galveston County) and Brazoria's sheriff are new; one agency has no place.
NEW_LIST = HEADER + "".join(
    f"{row},{NEW_SOURCE}\n"
    for row in [
        "TX,Galveston County Sheriff's Office,sheriff,Galveston County,jail_enforcement,2020-06-09,",
        "TX,Harris County Sheriff's Office,sheriff,Harris County,jail_enforcement,2026-02-01,",
        "TX,League City Police Department,police,,warrant_service_officer,2026-03-01,",
        "TX,Brazoria County Sheriff's Office,sheriff,Brazoria County,task_force,2026-03-02,",
        "TX,Nowhere Special Unit,other,,task_force,2026-03-03,",
    ]
)

pytestmark = pytest.mark.django_db


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def _import(text: str, name: str = "list.csv"):
    rows, problems = parse_contract_file(text.encode(), name)
    with committed():
        report = import_contracts(rows, problems=problems)
    assert report.written, report.rejected
    return report


def _import_file(name: str):
    path = FIXTURES / name
    rows, problems = parse_contract_file(path.read_bytes(), path.name)
    report = import_contracts(rows, problems=problems)
    assert report.written, report.rejected[:3]
    return report


def _stage(text: str = NEW_LIST, by=None) -> ContractImport:
    return list_imports.stage_import(text.encode(), "new.csv", by=by)


def _confirm(staged: ContractImport, by=None):
    with committed():
        return list_imports.confirm_import(staged.pk, by=by)


def _campaign(county: str) -> Campaign:
    return Campaign.objects.get(state="TX", county__name=county)


def _contract(agency: str, model: str) -> Contract:
    return Contract.objects.get(agency__name=agency, model=model)


def _to(address: str):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def old_list():
    _import(OLD_LIST, "old.csv")
    mail.outbox.clear()


@pytest.fixture
def staff():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


# The summary, before anything changes


def test_the_summary_counts_new_agreements_gone_ones_model_changes_and_unplaced(old_list):
    summary = _stage().summary

    assert summary["listed_on"] == "2026-05-18" and summary["newer"]
    assert summary["counts"] == {
        Change.NEW: 3,  # League City, Brazoria, the unplaced unit
        Change.UNLISTED: 1,  # Nueces
        Change.MODEL: 1,  # Harris: task force → jail enforcement
        Change.UPDATED: 0,
        Change.UNPLACED: 1,
        Change.REJECTED: 0,
    }
    by_kind = {c["kind"]: c for c in summary["changes"]}
    assert by_kind[Change.MODEL]["agency"] == "Harris County Sheriff's Office"
    assert by_kind[Change.MODEL]["models"] == "task_force→jail_enforcement"
    assert by_kind[Change.UNLISTED]["agency"] == "Nueces County Sheriff's Office"
    assert by_kind[Change.UNPLACED]["line"] == 6  # the sixth line of the file


def test_nothing_changes_before_staff_confirm(old_list):
    before = list(Contract.objects.order_by("pk").values_list("pk", "updated_at"))
    agencies, campaigns = Agency.objects.count(), Campaign.objects.count()

    staged = _stage()

    assert staged.status == ContractImportStatus.STAGED
    assert list(Contract.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert (Agency.objects.count(), Campaign.objects.count()) == (agencies, campaigns)
    assert not Contract.objects.unlisted().exists()
    assert mail.outbox == []


def _keys(name: str) -> set[tuple[str, str, str]]:
    with (FIXTURES / name).open(encoding="utf-8") as f:
        return {(r["state"], Agency.match_key(r["agency"]), r["model"]) for r in csv.DictReader(f)}


def test_the_summary_of_2026_05_after_2025_01_matches_the_two_files():
    _import_file("287g_agreements_2025-01.csv")
    old, new = _keys("287g_agreements_2025-01.csv"), _keys("287g_agreements_2026-05.csv")
    added, gone = new - old, old - new
    changed_agencies = {k[:2] for k in added} & {k[:2] for k in gone}

    path = FIXTURES / "287g_agreements_2026-05.csv"
    summary = list_imports.stage_import(path.read_bytes(), path.name, by=None).summary

    counts = summary["counts"]
    assert counts[Change.MODEL] == len(changed_agencies) == 2
    assert counts[Change.UNLISTED] == len([k for k in gone if k[:2] not in changed_agencies]) == 7
    assert counts[Change.NEW] == len([k for k in added if k[:2] not in changed_agencies])
    assert summary["created"] == len(added)
    assert counts[Change.UNPLACED] == 50
    assert counts[Change.REJECTED] == 0
    assert Contract.objects.count() == len(old)  # still nothing applied


# The 2025-01 list failed on "St Johns County"


def test_the_2025_01_list_imports_and_st_johns_is_one_agency_with_the_2026_spelling():
    report = _import_file("287g_agreements_2025-01.csv")
    assert report.created == 135
    st_johns = Agency.objects.get(state="FL", name="St Johns County Sheriff's Office")
    assert st_johns.county.name == "St. Johns County"

    later = HEADER + (
        "FL,St. Johns County Sheriff's Office,sheriff,St. Johns County,warrant_service_officer,"
        f"2019-10-15,,{NEW_SOURCE}\n"
    )
    _import(later)
    assert Agency.objects.filter(state="FL", county=st_johns.county).count() == 1
    assert Contract.objects.filter(agency=st_johns).count() == 1


# Confirming, once


def test_confirming_applies_the_list_and_marks_what_it_no_longer_names(old_list):
    _confirm(_stage())

    nueces = _contract("Nueces County Sheriff's Office", ContractModel.WARRANT_SERVICE_OFFICER)
    assert nueces.unlisted_since == NEW_DATE
    assert nueces.status == ContractStatus.ACTIVE  # not ended until staff say so
    harris_before = _contract("Harris County Sheriff's Office", ContractModel.TASK_FORCE)
    assert harris_before.unlisted_since == NEW_DATE
    assert _contract("Harris County Sheriff's Office", ContractModel.JAIL_ENFORCEMENT)
    galveston = _contract("Galveston County Sheriff's Office", ContractModel.JAIL_ENFORCEMENT)
    assert galveston.unlisted_since is None and galveston.last_listed == NEW_DATE


def test_a_staged_import_cannot_be_confirmed_twice(old_list):
    staged = _stage()
    _confirm(staged)
    after = list(Contract.objects.order_by("pk").values_list("pk", "updated_at"))
    sent = len(mail.outbox)

    with pytest.raises(list_imports.ImportRefused, match="already imported"):
        _confirm(staged)

    assert list(Contract.objects.order_by("pk").values_list("pk", "updated_at")) == after
    assert len(mail.outbox) == sent


def test_a_second_staff_member_confirming_the_same_upload_is_told_it_is_done(old_list, staff):
    staged = _stage()
    url = reverse("admin:campaigns_contractimport_summary", args=[staged.pk])
    first = Client()
    first.force_login(UserFactory(is_staff=True, is_superuser=True))
    with committed():
        first.post(url, {"confirm": "1"})

    with committed():
        response = staff.post(url, {"confirm": "1"}, follow=True)

    assert "already imported" in response.content.decode()
    assert ContractImport.objects.get().status == ContractImportStatus.APPLIED


def test_a_summary_made_before_another_import_is_made_again_not_applied(old_list):
    staged = _stage()
    _import(NEW_LIST)  # someone imported the same list from the command line meanwhile

    with pytest.raises(list_imports.ImportRefused, match="changed since"):
        _confirm(staged)

    staged.refresh_from_db()
    assert staged.status == ContractImportStatus.STAGED
    assert staged.summary["counts"][Change.NEW] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_confirming_at_once_apply_the_list_once():
    from tests.races import race

    _import(OLD_LIST, "old.csv")
    staged = _stage()

    results = race(lambda: list_imports.confirm_import(staged.pk, by=None), (), ())

    refused = [r for r in results if isinstance(r, list_imports.ImportRefused)]
    assert len(refused) == 1, results
    assert Contract.objects.filter(model=ContractModel.JAIL_ENFORCEMENT).count() == 2


# The mark, on the pages, until staff confirm it ended or a later list has it again


def test_an_unlisted_agreement_says_so_on_its_campaign_page_search_and_record(old_list, client):
    _confirm(_stage())
    campaign = _campaign("Nueces County")

    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Signed June 9, 2020; not on ICE&#x27;s list since May 18, 2026." in page
    search = client.get(reverse("campaigns:search"), {"q": "Nueces"}).content.decode()
    assert "not on ICE&#x27;s list since May 18, 2026" in search
    record = client.get(reverse("campaigns:record_state", args=["tx"])).content.decode()
    assert "not on ICE&#x27;s list since May 18, 2026" in record
    spanish = client.get("/es" + campaign.get_absolute_url()).content.decode()
    assert "fuera de la lista de ICE desde el 18 de mayo de 2026" in spanish


def test_staff_confirm_it_ended_and_the_mark_gives_way(old_list, staff, client):
    _confirm(_stage())
    nueces = _contract("Nueces County Sheriff's Office", ContractModel.WARRANT_SERVICE_OFFICER)
    galveston = _contract("Galveston County Sheriff's Office", ContractModel.JAIL_ENFORCEMENT)

    staff.post(
        reverse("admin:campaigns_contract_changelist"),
        {"action": "confirm_ended", "_selected_action": [nueces.pk, galveston.pk]},
    )

    nueces.refresh_from_db()
    galveston.refresh_from_db()
    assert nueces.status == ContractStatus.TERMINATED
    assert nueces.status_changed == NEW_DATE
    assert galveston.status == ContractStatus.ACTIVE  # still listed: not ended by this action
    page = client.get(_campaign("Nueces County").get_absolute_url()).content.decode()
    assert "Signed June 9, 2020; ended on May 18, 2026." in page
    assert "list since" not in page


def test_the_admin_lists_agreements_no_longer_on_the_list(old_list, staff):
    _confirm(_stage())
    page = staff.get(reverse("admin:campaigns_contract_changelist"), {"unlisted": "yes"})
    names = [c.agency.name for c in page.context["cl"].result_list]
    assert sorted(names) == ["Harris County Sheriff's Office", "Nueces County Sheriff's Office"]


def test_a_later_list_that_names_it_again_removes_the_mark(old_list):
    _confirm(_stage())
    back = NEW_LIST + (
        "TX,Nueces County Sheriff's Office,sheriff,Nueces County,warrant_service_officer,"
        "2020-06-09,,ICE 287(g) participatingAgencies06012026am.xlsx\n"
    )
    _import(back.replace(NEW_SOURCE, "ICE 287(g) participatingAgencies06012026am.xlsx"))

    nueces = _contract("Nueces County Sheriff's Office", ContractModel.WARRANT_SERVICE_OFFICER)
    assert nueces.unlisted_since is None
    assert nueces.last_listed == date(2026, 6, 1)


def test_an_older_list_imported_late_neither_marks_nor_unmarks(old_list):
    _confirm(_stage())
    _import(OLD_LIST, "old-again.csv")

    assert (
        _contract(
            "Nueces County Sheriff's Office", ContractModel.WARRANT_SERVICE_OFFICER
        ).unlisted_since
        == NEW_DATE
    )
    assert not _contract(
        "Brazoria County Sheriff's Office", ContractModel.TASK_FORCE
    ).unlisted_since


# The emails


@pytest.fixture
def people(old_list):
    """Leaders of the three campaigns (one reads Spanish), and their signers: who asked for
    updates in either language, and who must hear nothing."""
    galveston, harris, nueces = (
        _campaign(f"{n} County") for n in ("Galveston", "Harris", "Nueces")
    )
    people = {
        "galveston_leader": LeadershipFactory(
            campaign=galveston, user=UserFactory(email="gal-leader@example.org")
        ),
        "harris_leader": LeadershipFactory(
            campaign=harris, user=UserFactory(email="harris-leader@example.org")
        ),
        "nueces_leader": LeadershipFactory(
            campaign=nueces, user=UserFactory(email="nueces-lider@example.org", language="es")
        ),
    }
    for campaign, prefix in ((galveston, "gal"), (nueces, "nue"), (harris, "har")):
        SignatureFactory(campaign=campaign, email=f"{prefix}-en@example.org", keep_updated=True)
        SignatureFactory(
            campaign=campaign, email=f"{prefix}-es@example.org", keep_updated=True, language="es"
        )
        SignatureFactory(campaign=campaign, email=f"{prefix}-quiet@example.org")
        SignatureFactory(
            campaign=campaign,
            email=f"{prefix}-gone@example.org",
            keep_updated=True,
            unsubscribed_at=timezone.now(),
        )
        SignatureFactory(
            campaign=campaign,
            email=f"{prefix}-pending@example.org",
            keep_updated=True,
            pending=True,
        )
        SignatureFactory(campaign=campaign, email="", keep_updated=True, status="withdrawn")
        SignatureFactory(campaign=campaign, email="", keep_updated=True, purged_at=timezone.now())
    return people


def test_leaders_hear_what_changed_for_their_campaign_in_their_language(people):
    _confirm(_stage())

    galveston = _to("gal-leader@example.org")
    assert len(galveston) == 1
    assert "A new agreement in your county" in galveston[0].body
    assert "League City Police Department (Warrant service officer)" in galveston[0].body
    harris = _to("harris-leader@example.org")
    assert len(harris) == 1
    assert "The agreement's model changed" in harris[0].body
    assert "Task force → Jail enforcement" in harris[0].body
    nueces = _to("nueces-lider@example.org")
    assert len(nueces) == 1
    assert "ya no está en la lista de ICE" in nueces[0].body
    assert "18 de mayo de 2026" in nueces[0].body


def test_signers_hear_of_a_new_agreement_in_their_county_and_of_theirs_leaving_the_list(people):
    _confirm(_stage())

    assert "A new 287(g) agreement in your county" in _to("gal-en@example.org")[0].body
    assert "Un nuevo acuerdo 287(g) en su condado" in _to("gal-es@example.org")[0].body
    unlisted = _to("nue-en@example.org")
    assert len(unlisted) == 1
    assert "The agreement you signed against is no longer listed" in unlisted[0].body
    assert unlisted[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in unlisted[0].extra_headers["List-Unsubscribe"]
    assert "ya no figura en la lista" in _to("nue-es@example.org")[0].body
    # A model change keeps an agreement in force: the leader hears, the signers are not alarmed.
    assert _to("har-en@example.org") == []


def test_nobody_who_stopped_or_never_asked_for_updates_hears_anything(people):
    _confirm(_stage())

    for prefix in ("gal", "nue", "har"):
        assert _to(f"{prefix}-quiet@example.org") == []
        assert _to(f"{prefix}-gone@example.org") == []
        assert _to(f"{prefix}-pending@example.org") == []
    assert all(m.to != [""] for m in mail.outbox)


def test_the_same_list_imported_again_emails_nobody(people):
    _confirm(_stage())
    sent = len(mail.outbox)
    assert sent == 3 + 4  # three leaders; two signers in Galveston, two in Nueces

    _import(NEW_LIST, "again.csv")
    _confirm(_stage())

    assert len(mail.outbox) == sent


def test_an_older_list_emails_nobody(people):
    _confirm(_stage())
    sent = len(mail.outbox)
    _import(OLD_LIST, "old-again.csv")
    assert len(mail.outbox) == sent


# The command


def test_the_command_dry_run_prints_the_summary_and_writes_nothing(old_list, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(NEW_LIST)

    call_command("import_contracts", str(path), "--dry-run")

    out = capsys.readouterr().out
    assert "3 new agreements, 1 no longer on ICE's list, 1 model changes" in out
    assert "no longer listed: TX Nueces County Sheriff's Office" in out
    assert "model changed: TX Harris County Sheriff's Office: Task force → Jail enforcement" in out
    assert "line 6: not placed: Nowhere Special Unit" in out
    assert "Dry run: nothing was written." in out
    assert not Contract.objects.unlisted().exists()


def test_the_command_prints_the_summary_then_applies_once(people, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(NEW_LIST)

    with committed():
        call_command("import_contracts", str(path))
    sent = len(mail.outbox)
    with committed():
        call_command("import_contracts", str(path))

    out = capsys.readouterr().out
    assert "1 no longer on ICE's list" in out and "imported:" in out
    assert "0 new agreements, 0 no longer on ICE's list" in out  # the second run
    assert Contract.objects.unlisted().count() == 2
    assert sent == 7 and len(mail.outbox) == sent


# Admin: paged, filtered, staff only


def test_the_admin_summary_is_paged_and_filtered_by_kind_and_state(staff):
    _import_file("287g_agreements_2025-01.csv")
    path = FIXTURES / "287g_agreements_2026-05.csv"
    staged = list_imports.stage_import(path.read_bytes(), path.name, by=None)
    url = reverse("admin:campaigns_contractimport_summary", args=[staged.pk])

    first = staff.get(url)
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages > 30
    html = first.content.decode()
    assert "?page=2#changes" in html
    unlisted = staff.get(url, {"kind": "unlisted"})
    assert unlisted.context["matching"] == 7
    maryland = staff.get(url, {"kind": "unlisted", "state": "MD"})
    assert maryland.context["matching"] == 3
    assert "page=2" not in maryland.content.decode()
    assert "Frederick County Sheriff" in maryland.content.decode()
    texas_new = staff.get(url, {"kind": "new", "state": "TX", "page": "2"})
    assert {c["state"] for c in texas_new.context["page"].object_list} == {"TX"}
    assert "kind=new&amp;state=TX&amp;page=1" in texas_new.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_visitor_or_leader_cannot_reach_the_import_pages(old_list, client, method):
    staged = _stage()
    pages = [
        reverse("admin:campaigns_contract_import"),
        reverse("admin:campaigns_contractimport_summary", args=[staged.pk]),
        reverse("admin:campaigns_contractimport_changelist"),
    ]
    for who in (None, UserFactory(), LeadershipFactory(campaign=_campaign("Nueces County")).user):
        if who is not None:
            client.force_login(who)
        for url in pages:
            response = getattr(client, method)(url, {"confirm": "1"})
            assert response.status_code == 302
            assert "/login/" in response["Location"]
    staged.refresh_from_db()
    assert staged.status == ContractImportStatus.STAGED
    assert not Contract.objects.unlisted().exists()


def test_a_discarded_upload_cannot_be_confirmed_afterwards(old_list, staff):
    staged = _stage()
    url = reverse("admin:campaigns_contractimport_summary", args=[staged.pk])

    staff.post(url, {"discard": "1"})
    response = staff.post(url, {"confirm": "1"}, follow=True)

    assert "This upload was discarded" in response.content.decode()
    staged.refresh_from_db()
    assert staged.status == ContractImportStatus.DISCARDED
    assert not Contract.objects.filter(agency__name__startswith="Brazoria").exists()


def test_staff_without_the_contract_permissions_cannot_confirm(old_list, client):
    staged = _stage()
    client.force_login(UserFactory(is_staff=True))
    url = reverse("admin:campaigns_contractimport_summary", args=[staged.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    staged.refresh_from_db()
    assert staged.status == ContractImportStatus.STAGED


# Campaigns made before their police department was placed


def _unplaced_police_campaign(name: str) -> Campaign:
    from campaigns.services import ensure_campaigns
    from tests.factories import ContractFactory

    agency = Agency.objects.create(name=name, agency_type="police", state="TX")
    ContractFactory(agency=agency, model=ContractModel.TASK_FORCE)
    with committed():
        ensure_campaigns()
    campaign = Campaign.objects.get(agency=agency)
    assert campaign.targets.get().role == "agency_head"  # the generic head, as before placement
    return campaign


def _place(campaign: Campaign, city: str, county) -> None:
    agency = campaign.agency
    agency.jurisdiction, agency.county, agency.city = "city", county, city
    agency.save()


def test_a_reimport_addresses_unsigned_police_campaigns_to_the_chief_and_keeps_signed_text(
    old_list,
):
    from petitions.models import PetitionText

    unsigned = _unplaced_police_campaign("Webster Police Department")
    signed = _unplaced_police_campaign("Kemah Police Department")
    signed_text = PetitionText.objects.get(campaign=signed)
    SignatureFactory(campaign=signed)
    county = _campaign("Galveston County").county
    _place(unsigned, "Webster", county)
    _place(signed, "Kemah", county)

    _import(OLD_LIST, "old-again.csv")

    roles = set(unsigned.targets.values_list("role", flat=True))
    assert roles == {"police_chief", "mayor_council"}
    current = unsigned.petition_texts.current_first().first()
    assert current.version == 2
    assert "the police chief" in current.body_en.lower()
    assert "al jefe o la jefa de policía" in current.body_es.lower()
    assert "agency_head" in set(signed.targets.values_list("role", flat=True))
    assert list(PetitionText.objects.filter(campaign=signed)) == [signed_text]
    assert PetitionText.objects.get(campaign=signed).body_en == signed_text.body_en

    _import(OLD_LIST, "old-again.csv")  # again: nothing more moves
    assert unsigned.petition_texts.count() == 2
