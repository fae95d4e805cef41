"""A leader's term: training, reminders and reopening, stepping down, and staff changes in admin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import CampaignStatus, Leadership, LeadershipEnd, TrainingCompletion
from campaigns.services import (
    complete_training_step,
    merge_campaigns,
    reassign_leader,
    release_leader,
    reopen_stale_claims,
    step_down,
)
from tests.factories import (
    CampaignFactory,
    CountyFactory,
    LeadershipFactory,
    UserFactory,
    training_steps,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # A request to /es/ leaves Spanish active in the test thread; each test starts in English.
    with translation.override("en"):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def leadership(campaign):
    return LeadershipFactory(campaign=campaign, user=UserFactory(email="rosa@example.org"))


@pytest.fixture
def staff():
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


def _age(leadership, days, reminded_days_ago=None):
    now = timezone.now()
    leadership.claimed_at = now - timedelta(days=days)
    leadership.reminded_at = (
        now - timedelta(days=reminded_days_ago) if reminded_days_ago is not None else None
    )
    leadership.save()


# Training


def test_finishing_every_training_step_records_the_training(client, campaign, leadership):
    steps = training_steps()
    client.force_login(leadership.user)
    for step in steps:
        response = client.post(f"{campaign.get_absolute_url()}training/{step.slug}/")
        assert response.status_code == 302
    leadership.refresh_from_db()
    assert leadership.training_completed_at is not None
    assert TrainingCompletion.objects.filter(leadership=leadership).count() == len(steps)
    assert response["Location"] == campaign.get_absolute_url() + "dashboard/"


def test_marking_a_step_twice_counts_it_once(leadership):
    step = training_steps()[0]
    complete_training_step(leadership, step)
    complete_training_step(leadership, step)
    assert TrainingCompletion.objects.filter(leadership=leadership).count() == 1
    leadership.refresh_from_db()
    assert leadership.training_completed_at is None


def test_training_is_shown_in_the_page_language(client, campaign, leadership):
    step = training_steps()[0]
    client.force_login(leadership.user)
    english = client.get(f"{campaign.get_absolute_url()}training/{step.slug}/")
    spanish = client.get(f"/es{campaign.get_absolute_url()}training/{step.slug}/")
    assert step.title_en in english.content.decode()
    assert step.title_es in spanish.content.decode()
    assert "Mark as done" in english.content.decode()


# Reminders and reopening


def test_leader_is_reminded_once_after_half_the_deadline(
    leadership, settings, django_capture_on_commit_callbacks
):
    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    _age(leadership, days=8)
    with django_capture_on_commit_callbacks(execute=True):
        first = reopen_stale_claims()
        second = reopen_stale_claims()
    assert first.reminded == [leadership.pk]
    assert second.reminded == []
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert "training" in mail.outbox[0].body
    leadership.refresh_from_db()
    assert leadership.reminded_at is not None
    assert leadership.is_active


def test_campaign_reopens_after_the_deadline(
    campaign, leadership, settings, django_capture_on_commit_callbacks
):
    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    _age(leadership, days=15, reminded_days_ago=8)
    with django_capture_on_commit_callbacks(execute=True):
        report = reopen_stale_claims()
    assert report.reopened == [leadership.pk]
    leadership.refresh_from_db()
    campaign.refresh_from_db()
    assert leadership.end_reason == LeadershipEnd.TRAINING_EXPIRED
    assert leadership.ended_at is not None
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.accepts_leader()
    assert "open again" in mail.outbox[0].subject
    assert reopen_stale_claims().reopened == []


def test_no_county_is_reopened_without_a_reminder_first(campaign, leadership, settings):
    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    _age(leadership, days=30)  # the job did not run for a month
    report = reopen_stale_claims()
    assert report.reopened == []
    assert report.reminded == [leadership.pk]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LED


def test_trained_leaders_are_left_alone(campaign, leadership, settings):
    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    _age(leadership, days=40, reminded_days_ago=30)
    leadership.training_completed_at = timezone.now()
    leadership.save()
    report = reopen_stale_claims()
    assert report.reminded == report.reopened == []


def test_remind_leaders_command_dry_run_changes_nothing(campaign, leadership, settings, capsys):
    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    _age(leadership, days=15, reminded_days_ago=8)
    call_command("remind_leaders", "--dry-run")
    assert "Would reopen 1 campaign(s)." in capsys.readouterr().out
    leadership.refresh_from_db()
    assert leadership.is_active

    call_command("remind_leaders")
    assert "Reopened 1 campaign(s)." in capsys.readouterr().out
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


# Stepping down


def test_leader_steps_down_from_the_dashboard(client, campaign, leadership):
    client.force_login(leadership.user)
    confirm = client.get(campaign.get_absolute_url() + "step-down/")
    assert confirm.status_code == 200
    response = client.post(campaign.get_absolute_url() + "step-down/")
    assert response.status_code == 302
    leadership.refresh_from_db()
    campaign.refresh_from_db()
    assert leadership.end_reason == LeadershipEnd.STEPPED_DOWN
    assert leadership.ended_by == leadership.user
    assert campaign.status == CampaignStatus.OPEN
    # No longer theirs: the dashboard is gone for them, and anyone can claim again.
    assert client.get(campaign.get_absolute_url() + "dashboard/").status_code == 404
    assert "Become a Leader" in client.get(campaign.get_absolute_url()).content.decode()


def test_step_down_then_claim_again_keeps_both_terms_on_record(campaign, leadership):
    step_down(leadership.user, campaign)
    from campaigns.services import claim_campaign

    claim_campaign(leadership.user, campaign, public_name="Rosa again")
    assert Leadership.objects.filter(campaign=campaign).count() == 2
    assert Leadership.objects.active().get(campaign=campaign).public_name == "Rosa again"


# Staff changes


def test_staff_release_a_leader(campaign, leadership, staff):
    release_leader(campaign, by=staff)
    leadership.refresh_from_db()
    campaign.refresh_from_db()
    assert leadership.end_reason == LeadershipEnd.RELEASED
    assert leadership.ended_by == staff
    assert campaign.status == CampaignStatus.OPEN


def test_staff_reassign_a_campaign_in_admin(client, campaign, leadership, staff):
    newcomer = UserFactory(email="ana@example.org")
    client.force_login(staff)
    url = reverse("admin:campaigns_campaign_reassign", args=[campaign.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "ANA@example.org", "public_name": "Ana"})
    assert response.status_code == 302

    leadership.refresh_from_db()
    assert leadership.end_reason == LeadershipEnd.REASSIGNED
    assert leadership.ended_by == staff
    current = Leadership.objects.active().get(campaign=campaign)
    assert current.user == newcomer
    assert current.assigned_by == staff
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LED


def test_reassign_to_an_unknown_email_is_refused_with_a_message(client, campaign, staff):
    client.force_login(staff)
    url = reverse("admin:campaigns_campaign_reassign", args=[campaign.pk])
    response = client.post(url, {"email": "nobody@example.org", "public_name": "X"})
    assert response.status_code == 200
    assert "must sign up first" in response.content.decode()


def test_reassign_respects_the_new_leaders_limit(campaign, leadership, staff):
    busy = UserFactory()
    LeadershipFactory(
        campaign=CampaignFactory(county=CountyFactory(fips="48201", name="Harris County")),
        user=busy,
    )
    from campaigns.services import LeaderLimitReached

    with pytest.raises(LeaderLimitReached):
        reassign_leader(campaign, to_user=busy, public_name="Busy", by=staff)
    leadership.refresh_from_db()
    assert leadership.is_active  # nothing changed


def test_staff_release_from_admin(client, campaign, leadership, staff):
    client.force_login(staff)
    url = reverse("admin:campaigns_campaign_release", args=[campaign.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_staff_record_an_outcome(client, campaign, leadership, staff):
    client.force_login(staff)
    url = reverse("admin:campaigns_campaign_outcome", args=[campaign.pk])
    response = client.post(
        url, {"status": "won", "outcome_date": "2026-07-01", "outcome_note": "Not renewed."}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.WON
    assert str(campaign.outcome_date) == "2026-07-01"
    assert "Not renewed." in client.get(campaign.get_absolute_url()).content.decode()


def test_merging_ends_the_leadership_and_redirects_the_page(client, campaign, leadership, staff):
    survivor = CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))
    merge_campaigns(campaign, into=survivor, by=staff)
    leadership.refresh_from_db()
    campaign.refresh_from_db()
    assert leadership.end_reason == LeadershipEnd.MERGED
    assert campaign.merged_into == survivor
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_retire_from_admin_closes_the_campaign(client, campaign, leadership, staff):
    client.force_login(staff)
    url = reverse("admin:campaigns_campaign_retire", args=[campaign.pk])
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    leadership.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert not leadership.is_active


def test_campaign_admin_pages_answer(client, campaign, leadership, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:campaigns_campaign_changelist")).status_code == 200
    change = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert change.status_code == 200
    assert "Reassign leader" in change.content.decode()
    assert client.get(reverse("admin:campaigns_leadership_changelist")).status_code == 200
    assert client.get(reverse("admin:campaigns_trainingstep_changelist")).status_code == 200


@pytest.mark.parametrize(
    "task_name",
    ["notify_leader_of_reopening", "remind_leader_of_training", "notify_staff_of_claim"],
)
def test_a_leader_email_is_retried_later_when_the_mail_server_is_down(
    task_name, leadership, settings
):
    from unittest import mock

    from campaigns import tasks

    settings.STAFF_NOTIFY_EMAILS = ["organizing@example.org"]
    task_obj = getattr(tasks, task_name)
    backend = task_obj.get_backend()
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError("mail server down"),
        ),
        mock.patch.object(type(backend), "supports_defer", True, create=True),
        mock.patch("django.tasks.base.Task.enqueue") as enqueue,
        mock.patch("django.tasks.base.Task.get_backend", return_value=backend),
    ):
        task_obj.call(leadership_id=leadership.pk)
    enqueue.assert_called_once_with(attempt=2, leadership_id=leadership.pk)
    assert mail.outbox == []


# The leader's language


def test_a_leader_who_takes_a_campaign_in_spanish_gets_its_emails_in_spanish(
    client, campaign, settings, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="lucia@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    response = client.post(
        f"/es{campaign.get_absolute_url()}lead/",
        {"public_name": "Lucía", "promote": "on", "gather": "on", "deliver": "on", "website": ""},
    )
    assert response.status_code in (302, 303), response.content.decode()[:500]
    user.refresh_from_db()
    assert user.language == "es"

    settings.CLAIM_TRAINING_DEADLINE = timedelta(days=14)
    leadership = Leadership.objects.get(user=user)
    _age(leadership, days=8)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reopen_stale_claims()
    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Termine su capacitación")
    assert "/es/" in reminder.body


def test_a_milestone_email_is_in_the_leaders_language(campaign):
    from petitions.tasks import send_milestone

    LeadershipFactory(campaign=campaign, user=UserFactory(email="ana@example.org", language="es"))
    send_milestone.call(campaign_id=campaign.pk, threshold=200)
    (message,) = mail.outbox
    assert "llegó a la meta" in message.subject
    assert "/es/" in message.body


def test_signing_up_in_spanish_records_spanish(client, db):
    client.post(
        "/es/accounts/signup/",
        {
            "email": "nuevo@example.org",
            "password1": "una-clave-larga-7",
            "password2": "una-clave-larga-7",
        },
    )
    from accounts.models import User

    assert User.objects.get(email="nuevo@example.org").language == "es"
