"""Pressing the decision-maker: "Call" and "Email" on the campaign page, counted without who."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation

from campaigns.models import PressClick, ProposalStatus, TargetContactProposal
from campaigns.press import count_press_click
from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory, UserFactory
from tests.races import race

pytestmark = pytest.mark.django_db

PATH = "/campaigns/tx/galveston-county/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def sheriff(campaign):
    target = campaign.targets.get()
    target.phone = "(409) 555-0142"
    target.email = "sheriff@galveston.example.gov"
    target.save()
    return target


def _hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def _press_link(html, kind):
    return next(h for h in _hrefs(html) if re.search(rf"/press/\d+/{kind}/$", h))


def test_a_targets_phone_is_a_call_link_that_ends_at_tel(client, campaign, sheriff):
    html = client.get(PATH).content.decode()
    call = _press_link(html, "call")
    assert call == f"{PATH}press/{sheriff.pk}/call/"
    assert "(409) 555-0142" in html
    response = client.get(call)
    assert response.status_code == 302
    assert response["Location"] == "tel:4095550142"


def test_the_email_link_ends_at_mailto_with_a_short_text(client, campaign, sheriff):
    html = client.get(PATH).content.decode()
    response = client.get(_press_link(html, "email"))
    location = response["Location"]
    assert location.startswith("mailto:sheriff@galveston.example.gov?subject=")
    query = parse_qs(urlsplit(location).query)
    assert "287(g)" in query["subject"][0]
    assert query["body"][0].startswith("Dear Sheriff Pat Doe,")
    assert "+" not in location  # spaces are %20: mail apps show "+" literally


def test_spanish_page_has_the_call_script_in_spanish_and_english_and_a_spanish_email(
    client, campaign, sheriff
):
    html = client.get("/es" + PATH).content.decode()
    assert "Hola, me llamo ___ y vivo en el condado de Galveston." in html
    assert 'lang="en"' in html and "Hello, my name is ___ and I live in Galveston County." in html
    location = client.get(_press_link(html, "email"))["Location"]
    body = parse_qs(urlsplit(location).query)["body"][0]
    assert body.startswith("Estimado/a Sheriff Pat Doe:")


def test_english_page_shows_the_call_script(client, campaign, sheriff):
    html = client.get(PATH).content.decode()
    assert "What to say on the phone:" in html
    assert "Hello, my name is ___ and I live in Galveston County." in html


def test_clicks_are_counted_per_campaign_kind_and_day_and_nothing_about_who(
    client, campaign, sheriff
):
    for _ in range(3):
        response = client.get(f"{PATH}press/{sheriff.pk}/call/")
        assert not response.cookies  # no cookie set, so nothing ties two clicks together
    client.get(f"{PATH}press/{sheriff.pk}/email/")
    rows = {(r.kind, r.day, r.count) for r in PressClick.objects.filter(campaign=campaign)}
    today = timezone.localdate()
    assert rows == {("call", today, 3), ("email", today, 1)}
    # The row holds a count and nothing that could say who clicked.
    fields = {f.name for f in PressClick._meta.get_fields()}
    assert fields == {"id", "campaign", "kind", "day", "count"}
    assert not client.cookies  # no session, no CSRF cookie: the visitor stays nobody


def test_press_link_is_never_cached_so_each_click_counts(client, campaign, sheriff):
    response = client.get(f"{PATH}press/{sheriff.pk}/call/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_no_phone_no_call_link_and_unknown_kinds_are_not_found(client, campaign):
    target = campaign.targets.get()
    html = client.get(PATH).content.decode()
    assert "/press/" not in html
    assert client.get(f"{PATH}press/{target.pk}/call/").status_code == 404
    assert client.get(f"{PATH}press/{target.pk}/fax/").status_code == 404
    assert not PressClick.objects.exists()


def test_a_target_of_another_campaign_is_not_found_through_this_one(client, campaign, sheriff):
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    other_target = other.targets.get()
    other_target.phone = "7135550100"
    other_target.save()
    assert client.get(f"{PATH}press/{other_target.pk}/call/").status_code == 404


def test_the_next_public_meeting_shows_when_it_is_ahead(client, campaign, sheriff):
    sheriff.meeting = "Commissioners Court, Galveston County Courthouse"
    sheriff.meeting_next = timezone.localdate() + timedelta(days=9)
    sheriff.save()
    html = client.get(PATH).content.decode()
    assert "Commissioners Court, Galveston County Courthouse" in html
    assert "Next meeting:" in html
    sheriff.meeting_next = timezone.localdate() - timedelta(days=1)
    sheriff.save()
    html = client.get(PATH).content.decode()
    assert "Commissioners Court" in html and "Next meeting:" not in html


def test_leader_proposes_details_staff_approve_and_the_page_shows_them(client, campaign):
    target = campaign.targets.get()
    leadership = LeadershipFactory(campaign=campaign)
    client.force_login(leadership.user)
    dashboard = client.get(f"{PATH}dashboard/").content.decode()
    propose = f"{PATH}targets/{target.pk}/propose/"
    assert f'href="{propose}"' in dashboard

    response = client.post(
        propose,
        {
            "phone": "409-555-0199",
            "email": "",
            "address": "",
            "website": "https://sheriff.galveston.example.gov/",
            "meeting": "Commissioners Court budget hearing",
            "meeting_next": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "note": "From the county website",
        },
    )
    assert response.status_code == 302
    proposal = TargetContactProposal.objects.get()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.proposed_by == leadership.user
    target.refresh_from_db()
    assert target.phone == ""  # nothing shows before staff check it
    client.logout()
    assert "/press/" not in client.get(PATH).content.decode()

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/campaigns/targetcontactproposal/",
        {"action": "approve", "_selected_action": [proposal.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    target.refresh_from_db()
    assert target.phone == "409-555-0199"
    assert target.meeting == "Commissioners Court budget hearing"
    assert target.email == ""  # a blank field leaves the target's own as it was
    client.logout()
    html = client.get(PATH).content.decode()
    assert client.get(_press_link(html, "call"))["Location"] == "tel:4095550199"
    assert "Commissioners Court budget hearing" in html and "Next meeting:" in html


def test_a_proposal_with_nothing_in_it_is_refused(client, campaign):
    target = campaign.targets.get()
    client.force_login(LeadershipFactory(campaign=campaign).user)
    response = client.post(f"{PATH}targets/{target.pk}/propose/", {"phone": ""})
    assert response.status_code == 400
    assert "Fill in at least one contact detail." in response.content.decode()
    assert not TargetContactProposal.objects.exists()


def test_only_the_campaigns_leader_may_propose(client, campaign):
    target = campaign.targets.get()
    other = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    client.force_login(LeadershipFactory(campaign=other).user)
    response = client.post(f"{PATH}targets/{target.pk}/propose/", {"phone": "4095550100"})
    assert response.status_code == 404
    # Nor through their own campaign's address with this campaign's target.
    harris = other.get_absolute_url()
    response = client.post(f"{harris}targets/{target.pk}/propose/", {"phone": "4095550100"})
    assert response.status_code == 404
    assert not TargetContactProposal.objects.exists()


def test_a_rejected_proposal_changes_nothing(client, campaign):
    target = campaign.targets.get()
    proposal = TargetContactProposal.objects.create(target=target, phone="4095550100")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(
        "/admin/campaigns/targetcontactproposal/",
        {"action": "reject", "_selected_action": [proposal.pk]},
    )
    proposal.refresh_from_db()
    target.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and target.phone == ""


def test_dashboard_shows_how_many_times_visitors_pressed_call_and_email(client, campaign, sheriff):
    for _ in range(4):
        client.get(f"{PATH}press/{sheriff.pk}/call/")
    client.get(f"{PATH}press/{sheriff.pk}/email/")
    client.force_login(LeadershipFactory(campaign=campaign).user)
    html = client.get(f"{PATH}dashboard/").content.decode()
    assert "Visitors pressed “Call” 4 times." in html
    assert "They pressed “Email” 1 time." in html


def test_staff_edit_a_targets_contact_fields_in_admin(client, campaign):
    target = campaign.targets.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(f"/admin/campaigns/target/{target.pk}/change/").content.decode()
    for field in ("phone", "email", "address", "website", "meeting", "meeting_next"):
        assert f'name="{field}"' in html, field


def _click(campaign_id):
    from campaigns.models import Campaign

    count_press_click(Campaign.objects.get(pk=campaign_id), kind="call")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_clicks_of_the_day_all_count():
    campaign = CampaignFactory()
    for round_ in range(5):
        PressClick.objects.all().delete()
        results = race(_click, *[(campaign.pk,)] * 6)
        assert all(r is None for r in results), results
        row = PressClick.objects.get()
        assert row.count == 6, f"round {round_}"
