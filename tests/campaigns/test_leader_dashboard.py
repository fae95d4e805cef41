"""The leader's dashboard: only the leader and staff get in; progress, checklist and channels, never contacts."""

import pytest
from django.utils import timezone, translation

from campaigns.models import LeadershipEnd
from campaigns.progress import next_milestone
from tests.factories import CampaignFactory, LeadershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def leadership(campaign):
    return LeadershipFactory(campaign=campaign, public_name="Rosa")


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


def _dashboard(campaign, prefix=""):
    return f"{prefix}{campaign.get_absolute_url()}dashboard/"


def _signature(campaign, n, *, source="", status="confirmed"):
    from petitions.counting import refresh_tallies
    from petitions.models import Signature

    signature = Signature.objects.create(
        campaign=campaign,
        petition_text=campaign.petition_texts.first(),
        name=f"Signer Number{n}",
        email=f"signer{n}@example.org",
        email_key=f"signer{n}@example.org",
        zip_code="77550",
        status=status,
        confirmed_at=timezone.now() if status == "confirmed" else None,
        source=source,
    )
    refresh_tallies([campaign])  # as the task does seconds after a confirmation
    return signature


def test_leader_reaches_the_dashboard_privately(client, campaign, leadership):
    client.force_login(leadership.user)
    response = client.get(_dashboard(campaign))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_staff_reach_any_dashboard(client, campaign, leadership):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_dashboard(campaign)).status_code == 200


def test_another_person_gets_not_found(client, campaign, leadership):
    client.force_login(UserFactory())
    for page in ("dashboard/", "training/", "tools/", "petition-text/", "step-down/"):
        assert client.get(campaign.get_absolute_url() + page).status_code == 404, page


def test_former_leader_gets_not_found(client, campaign, leadership):
    leadership.ended_at = timezone.now()
    leadership.end_reason = LeadershipEnd.STEPPED_DOWN
    leadership.save()
    client.force_login(leadership.user)
    assert client.get(_dashboard(campaign)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, campaign, leadership):
    response = client.get(_dashboard(campaign))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "dashboard" in response["Location"]


def test_dashboard_shows_progress_next_milestone_and_channels_without_contacts(
    client, campaign, leadership
):
    for n in range(5):
        _signature(campaign, n, source="whatsapp")
    _signature(campaign, 5, source="facebook")
    _signature(campaign, 6)
    _signature(campaign, 7, source="whatsapp", status="pending")
    client.force_login(leadership.user)

    html = client.get(_dashboard(campaign)).content.decode()

    assert "7 confirmed signatures" in html
    assert "Next milestone: 50 signatures." in html
    assert '<td>WhatsApp</td><td class="text-end">5</td>' in html
    # Channels with fewer than 5 signatures are grouped (see the next test).
    assert '<td>Other channels (fewer than 5 each)</td><td class="text-end">2</td>' in html
    assert "@example.org" not in html
    assert "Number" not in html  # signers' names are not on the dashboard either


def test_a_tag_used_by_one_person_does_not_reveal_that_they_signed(client, campaign, leadership):
    # A leader who sends one person a link tagged ?src=sms must not learn from the dashboard that
    # this person signed: a channel shows once it has 5 signatures, like the delivery's ZIP groups.
    for n in range(6):
        _signature(campaign, n, source="whatsapp")
    _signature(campaign, 6, source="sms")
    client.force_login(leadership.user)

    html = client.get(_dashboard(campaign)).content.decode()

    assert "Text message" not in html
    assert '<td>WhatsApp</td><td class="text-end">6</td>' in html
    assert '<td>Other channels (fewer than 5 each)</td><td class="text-end">1</td>' in html


def test_checklist_starts_with_the_training(client, campaign, leadership):
    client.force_login(leadership.user)
    html = client.get(_dashboard(campaign)).content.decode()
    assert "Finish the training" in html
    assert "Go to the training" in html
    for label in ("Share the petition", "Reach 50 signatures", "Reach 200 signatures"):
        assert label in html
    assert "Plan the delivery" in html


def test_marking_shared_and_planning_delivery_tick_the_checklist(client, campaign, leadership):
    client.force_login(leadership.user)
    client.post(campaign.get_absolute_url() + "tools/shared/")
    client.post(campaign.get_absolute_url() + "delivery-plan/", {"planned_on": "2026-08-01"})
    leadership.refresh_from_db()
    assert leadership.shared_at is not None
    assert str(leadership.delivery_planned_on) == "2026-08-01"
    html = client.get(_dashboard(campaign)).content.decode()
    assert '<li class="done">Share the petition' in html
    assert '<li class="done">Plan the delivery' in html


def test_next_milestone_follows_the_count(settings):
    settings.MILESTONES = (50, 100, 200)
    settings.SIGNATURE_GOAL = 200
    assert next_milestone(0) == 50
    assert next_milestone(50) == 100
    assert next_milestone(199) == 200
    assert next_milestone(200) is None


def test_my_campaigns_lists_dashboards(client, campaign, leadership):
    client.force_login(leadership.user)
    html = client.get("/my-campaigns/").content.decode()
    assert _dashboard(campaign) in html


def test_leader_changes_petition_text_at_once_before_the_first_signature(
    client, campaign, leadership
):
    from petitions.models import PetitionText
    from petitions.texts import current_petition

    # Staff already reviewed a text of this leader's (a new leader's first text waits for them).
    PetitionText.objects.filter(campaign=campaign).update(
        proposed_by=leadership.user, reviewed_by=UserFactory(is_staff=True)
    )
    client.force_login(leadership.user)
    data = {
        "title_en": "Galveston says no",
        "body_en": "New text.",
        "title_es": "Galveston dice no",
        "body_es": "Texto nuevo.",
    }
    response = client.post(campaign.get_absolute_url() + "petition-text/", data)
    assert response.status_code == 302
    assert current_petition(campaign).title_en == "Galveston says no"


def test_petition_text_change_after_signatures_waits_for_staff(client, campaign, leadership):
    from petitions.texts import current_petition

    _signature(campaign, 1)
    before = current_petition(campaign)
    client.force_login(leadership.user)
    data = {"title_en": "Changed", "body_en": "x", "title_es": "Cambiado", "body_es": "x"}
    client.post(campaign.get_absolute_url() + "petition-text/", data)
    assert current_petition(campaign) == before
    assert campaign.petition_texts.filter(status="proposed", title_en="Changed").exists()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_every_leader_page_has_one_h1_and_its_language(client, campaign, leadership, prefix):
    import re

    from tests.factories import training_steps

    step = training_steps()[0]
    client.force_login(leadership.user)
    path = "/campaigns/tx/galveston-county/"
    pages = ["dashboard/", "training/", f"training/{step.slug}/", "tools/", "petition-text/"]
    for page in [*pages, "step-down/"]:
        response = client.get(prefix + path + page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, page
        assert f'<html lang="{"es" if prefix else "en"}"' in html
    assert client.get(prefix + "/my-campaigns/").status_code == 200


def test_dashboard_counts_as_the_public_page_does(client, campaign, leadership):
    """Residents-only counting (a site setting) applies on the dashboard as on the campaign page."""
    from petitions.models import Signature, SiteSettings

    for n in range(3):
        _signature(campaign, n)
    Signature.objects.filter(campaign=campaign).update(county_resident=False)
    SiteSettings.objects.update_or_create(pk=1, defaults={"milestone_counts": "residents"})
    client.force_login(leadership.user)
    html = client.get(_dashboard(campaign)).content.decode()
    assert "0 confirmed signatures" in html
    assert "3 confirmed signatures" not in html


def test_at_the_goal_the_dashboard_opens_the_delivery_kit(client, campaign, leadership, settings):
    settings.SIGNATURE_GOAL = 3
    for n in range(3):
        _signature(campaign, n)
    client.force_login(leadership.user)
    html = client.get(_dashboard(campaign)).content.decode()
    kit = f"{campaign.get_absolute_url()}delivery/"
    assert f'href="{kit}"' in html
    assert client.get(kit).status_code == 200


def test_below_the_goal_the_dashboard_has_no_delivery_kit_link(client, campaign, leadership):
    _signature(campaign, 1)
    client.force_login(leadership.user)
    html = client.get(_dashboard(campaign)).content.decode()
    assert f'href="{campaign.get_absolute_url()}delivery/"' not in html


def test_milestones_always_end_at_the_goal(settings):
    from campaigns.progress import milestones

    settings.MILESTONES = (50, 100, 200)
    settings.SIGNATURE_GOAL = 300
    assert milestones() == [50, 100, 200, 300]
    assert next_milestone(250) == 300
    settings.SIGNATURE_GOAL = 150
    assert milestones() == [50, 100, 150]


def test_the_leader_is_emailed_at_a_changed_goal(campaign, leadership, settings, mailoutbox):
    from petitions.models import MilestoneNotice
    from petitions.tasks import after_count_change

    settings.MILESTONES = (50, 100, 200)
    settings.SIGNATURE_GOAL = 2
    for n in range(2):
        _signature(campaign, n)
    after_count_change.call(campaign.pk)
    assert list(MilestoneNotice.objects.values_list("threshold", flat=True)) == [2]
    assert [m.to for m in mailoutbox] == [[leadership.user.email]]


def test_the_dashboard_deadline_is_the_day_the_campaign_would_really_reopen(
    client, campaign, leadership, settings
):
    from datetime import timedelta

    from django.utils.formats import date_format

    from campaigns.services import reopen_stale_claims

    # The reminder job did not run for a while: the leader is reminded on day 13 of 14, and the
    # campaign reopens no sooner than half the deadline (7 days) after that reminder.
    now = timezone.now()
    leadership.claimed_at = now - timedelta(days=13)
    leadership.save(update_fields=["claimed_at"])
    reopen_stale_claims(now=now)

    client.force_login(leadership.user)
    page = client.get(_dashboard(campaign)).content.decode()
    reopens = timezone.localtime(now + settings.CLAIM_TRAINING_DEADLINE / 2)
    assert f"Finish it by {date_format(reopens, 'DATE_FORMAT')}" in page
