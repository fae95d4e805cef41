"""Keeping signers in the loop: a leader's update (staff approve, batches, one-click unsubscribe,
one a week, staff stop) and the news the site sends by itself (delivery, outcome, agreement)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import CampaignStatus
from petitions import update_tasks, updates
from petitions.delivery import record_delivery
from petitions.models import CampaignUpdate, Signature, UpdateKind
from tests.factories import SignatureFactory, UserFactory

from .conftest import committed, link_from, post

pytestmark = pytest.mark.django_db


def _updates_url(campaign):
    return f"{campaign.get_absolute_url()}updates/"


@pytest.fixture
def signers(campaign):
    """Who asked for updates and who did not, in both languages, and who may no longer hear."""
    return {
        "es": SignatureFactory(
            campaign=campaign, email="lucia@example.org", language="es", keep_updated=True
        ),
        "en": SignatureFactory(campaign=campaign, email="ann@example.org", keep_updated=True),
        "quiet": SignatureFactory(campaign=campaign, email="quiet@example.org"),
        "pending": SignatureFactory(
            campaign=campaign, email="pending@example.org", keep_updated=True, status="pending"
        ),
        "withdrawn": SignatureFactory(
            campaign=campaign, email="", keep_updated=True, status="withdrawn"
        ),
        "purged": SignatureFactory(
            campaign=campaign, email="", keep_updated=True, purged_at=timezone.now()
        ),
    }


@pytest.fixture
def staff():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _write(client, leadership, subject="Delivery day", body="We meet at 9 at the library."):
    client.force_login(leadership.user)
    return post(client, _updates_url(leadership.campaign), {"subject": subject, "body": body})


def _admin_action(staff, action, *updates_):
    url = reverse("admin:petitions_campaignupdate_changelist")
    data = {"action": action, "_selected_action": [u.pk for u in updates_]}
    with committed():
        return staff.post(url, data)


def _to(address):
    return [m for m in mail.outbox if address in m.to]


def test_leader_writes_staff_approve_and_opted_in_signers_hear_in_their_language(
    client, leadership, signers, staff
):
    response = _write(client, leadership, body="Gracias a todos. We're at the library, 9 a.m.")
    assert response.status_code == 302
    update = CampaignUpdate.objects.get()
    assert update.status == "pending"
    assert mail.outbox == []

    _admin_action(staff, "approve", update)

    update.refresh_from_db()
    assert update.status == "sent"
    assert update.approved_by is not None
    assert update.recipients == 2
    assert update.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "lucia@example.org"]
    spanish = _to("lucia@example.org")[0]
    assert spanish.body.startswith("Hola:")
    assert "firmó la petición" in spanish.body
    assert "Gracias a todos. We're at the library, 9 a.m." in spanish.body  # as written
    assert "/es/unsubscribe/" in spanish.body
    assert spanish.subject == "Galveston County: Delivery day"
    english = _to("ann@example.org")[0]
    assert english.body.startswith("Hello,")
    unsubscribe = link_from(english, "unsubscribe")
    assert english.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_by_post_then_no_further_mail(client, leadership, signers, staff):
    _write(client, leadership)
    _admin_action(staff, "approve", CampaignUpdate.objects.get())
    link = link_from(_to("ann@example.org")[0], "unsubscribe")

    # What a mail client does for RFC 8058: a POST with no CSRF token and no confirmation step.
    one_click = Client(enforce_csrf_checks=True)
    response = one_click.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    signature = Signature.objects.get(pk=signers["en"].pk)
    assert signature.unsubscribed_at is not None
    assert signature.email == ""

    mail.outbox.clear()
    with committed():
        updates.notify_signers(
            leadership.campaign.pk, UpdateKind.OUTCOME, {"won": True, "note": ""}, event="won"
        )
    assert [m.to for m in mail.outbox] == [["lucia@example.org"]]


def test_the_unsubscribe_link_opened_in_a_browser_shows_a_button_first(
    client, leadership, signers, staff
):
    _write(client, leadership)
    _admin_action(staff, "approve", CampaignUpdate.objects.get())
    link = link_from(_to("ann@example.org")[0], "unsubscribe")
    page = Client().get(link).content.decode()
    assert "<button" in page
    assert Signature.objects.get(pk=signers["en"].pk).unsubscribed_at is None


def test_at_most_one_update_a_week(client, leadership, signers, staff):
    _write(client, leadership)
    _admin_action(staff, "approve", CampaignUpdate.objects.get())

    response = _write(client, leadership, subject="Another one")
    assert response.status_code == 400
    assert "This campaign already has an update this week" in response.content.decode()
    assert CampaignUpdate.objects.count() == 1

    with pytest.raises(updates.UpdateRefused) as refused:
        updates.write_update(leadership.campaign, author=leadership.user, subject="x", body="y")
    assert "at most once a week" in str(refused.value.message)

    CampaignUpdate.objects.update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    assert _write(client, leadership, subject="Next week").status_code == 302
    assert CampaignUpdate.objects.count() == 2


def test_a_rejected_update_does_not_use_up_the_week(client, leadership, signers, staff):
    _write(client, leadership)
    _admin_action(staff, "reject", CampaignUpdate.objects.get())
    assert mail.outbox == []
    assert _write(client, leadership, subject="Better words").status_code == 302


def test_staff_stop_an_update_in_the_middle_of_sending(
    client, leadership, signers, staff, monkeypatch
):
    monkeypatch.setattr(update_tasks, "BATCH_SIZE", 2)
    SignatureFactory.create_batch(3, campaign=leadership.campaign, keep_updated=True)
    _write(client, leadership)
    update = CampaignUpdate.objects.get()

    with TestCase.captureOnCommitCallbacks() as first_batch:
        assert updates.approve_update(update.pk, by=UserFactory(is_staff=True))
    with TestCase.captureOnCommitCallbacks() as second_batch:
        for queued in first_batch:
            queued()
    assert len(mail.outbox) == 2

    _admin_action(staff, "stop", update)
    for queued in second_batch:
        queued()

    update.refresh_from_db()
    assert update.status == "stopped"
    assert update.recipients == 5
    assert update.sent == 2
    assert len(mail.outbox) == 2
    client.force_login(leadership.user)
    page = client.get(_updates_url(leadership.campaign)).content.decode()
    assert "reached 2 people" in page
    assert "Stopped by staff" in page


def test_batches_follow_one_another_until_everyone_is_reached(
    client, leadership, signers, staff, monkeypatch
):
    monkeypatch.setattr(update_tasks, "BATCH_SIZE", 2)
    SignatureFactory.create_batch(3, campaign=leadership.campaign, keep_updated=True)
    _write(client, leadership)
    _admin_action(staff, "approve", CampaignUpdate.objects.get())
    update = CampaignUpdate.objects.get()
    assert (update.status, update.sent, len(mail.outbox)) == ("sent", 5, 5)


def test_the_leader_sees_how_many_it_reached_never_who(client, leadership, signers, staff):
    _write(client, leadership)
    _admin_action(staff, "approve", CampaignUpdate.objects.get())
    client.force_login(leadership.user)
    pages = [
        client.get(_updates_url(leadership.campaign)).content.decode(),
        client.get(f"{leadership.campaign.get_absolute_url()}dashboard/").content.decode(),
    ]
    assert "reached 2 people" in pages[0]
    assert "2 signers asked to hear about this campaign." in pages[0]
    assert "Updates to signers" in pages[1]
    for page in pages:
        for signature in Signature.objects.all():
            if signature.email:
                assert signature.email not in page
        assert "lucia" not in page
        assert "ann@" not in page


def test_someone_else_cannot_open_or_write_the_updates(client, leadership, signers):
    client.force_login(UserFactory())
    assert client.get(_updates_url(leadership.campaign)).status_code == 404
    response = post(client, _updates_url(leadership.campaign), {"subject": "a", "body": "b"})
    assert response.status_code == 404
    assert CampaignUpdate.objects.count() == 0


def test_an_update_is_at_most_2000_characters(client, leadership, signers):
    response = _write(client, leadership, body="x" * 2001)
    assert response.status_code == 400
    assert CampaignUpdate.objects.count() == 0


def test_a_trusted_leader_skips_review_when_staff_allow_it(client, leadership, signers, settings):
    from petitions.models import Delivery

    settings.UPDATES_TRUSTED_LEADERS_SKIP_APPROVAL = True
    _write(client, leadership)
    assert CampaignUpdate.objects.get().status == "pending"  # not trained, nothing delivered

    CampaignUpdate.objects.all().delete()
    leadership.training_completed_at = timezone.now()
    leadership.save()
    Delivery.objects.create(
        campaign=leadership.campaign, delivered_on=timezone.localdate(), received_by="Desk"
    )
    _write(client, leadership)
    assert CampaignUpdate.objects.get().status == "sent"
    assert len(mail.outbox) == 2


def test_signers_hear_of_the_delivery_with_the_leaders_notes(leadership, signers, settings):
    settings.SIGNATURE_GOAL = 2
    with committed():
        record_delivery(
            leadership.campaign,
            user=leadership.user,
            delivered_on=timezone.localdate(),
            received_by="Front desk",
            notes="The chief deputy took it and promised an answer.",
        )
    update = CampaignUpdate.objects.get()
    assert (update.kind, update.status, update.sent) == ("delivered", "sent", 2)
    spanish = _to("lucia@example.org")[0]
    assert "fue entregada" in spanish.body
    assert "The chief deputy took it and promised an answer." in spanish.body
    english = _to("ann@example.org")[0]
    assert "was delivered to the sheriff on" in english.body
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not _to("quiet@example.org")
    assert not _to("pending@example.org")


@pytest.mark.parametrize(
    ("status", "english", "spanish"),
    [
        (CampaignStatus.WON, "has ended", "terminó"),
        (CampaignStatus.LOST, "was renewed", "fue renovado"),
    ],
)
def test_signers_hear_the_outcome(leadership, signers, status, english, spanish):
    with committed():
        campaign_services.record_outcome(
            leadership.campaign, status=status, outcome_date=None, note="", by=None
        )
    assert english in _to("ann@example.org")[0].body
    assert spanish in _to("lucia@example.org")[0].body
    assert len(mail.outbox) == 2


def test_closing_a_campaign_sends_no_news(leadership, signers):
    with committed():
        campaign_services.record_outcome(
            leadership.campaign, status=CampaignStatus.CLOSED, outcome_date=None, note="", by=None
        )
    assert mail.outbox == []


def test_signers_hear_once_when_the_goal_is_reached_and_the_delivery_planned(
    leadership, signers, settings
):
    planned = timezone.localdate() + timedelta(days=10)
    with committed():
        campaign_services.plan_delivery(leadership, on=planned)
    assert mail.outbox == []  # the goal is not reached yet

    settings.SIGNATURE_GOAL = 2
    for _ in range(2):
        with committed():
            campaign_services.plan_delivery(leadership, on=planned)
    assert len(mail.outbox) == 2
    assert "plans to deliver it" in _to("ann@example.org")[0].body


def test_news_of_an_agreement_in_the_county(leadership, signers):
    with committed():
        updates.notify_signers(
            leadership.campaign.pk,
            UpdateKind.AGREEMENT,
            {
                "agency": "Galveston County Sheriff's Office",
                "renewed": True,
                "expires": "2027-06-30",
            },
            event="contract-1:2027-06-30",
        )
        again = updates.notify_signers(
            leadership.campaign.pk,
            UpdateKind.AGREEMENT,
            {"agency": "Galveston County Sheriff's Office", "renewed": True, "expires": ""},
            event="contract-1:2027-06-30",
        )
    assert again is None
    assert len(mail.outbox) == 2
    assert "Galveston County Sheriff's Office" in _to("ann@example.org")[0].body
    assert "renovado" in _to("lucia@example.org")[0].body


def test_the_contract_import_announces_an_agreement_with_a_signal(leadership, signers):
    from datetime import date

    from campaigns.models import Campaign
    from campaigns.signals import agreement_changed

    with committed():
        agreement_changed.send(
            Campaign,
            campaign=leadership.campaign,
            agency="Galveston County Sheriff's Office",
            renewed=False,
            expires=date(2028, 1, 31),
            event="contract-7:2028-01-31",
        )
    english = _to("ann@example.org")[0]
    assert "has a new 287(g) agreement" in english.body
    assert "Jan. 31, 2028" in english.body
    assert "nuevo acuerdo 287(g)" in _to("lucia@example.org")[0].body


def test_staff_see_every_update_in_admin(client, leadership, signers, staff):
    _write(client, leadership, subject="Town hall on Monday")
    page = staff.get(reverse("admin:petitions_campaignupdate_changelist")).content.decode()
    assert "Town hall on Monday" in page


def _write_now(campaign_id, user_id, subject):
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    user = get_user_model().objects.get(pk=user_id)
    return updates.write_update(campaign, author=user, subject=subject, body="Hello")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_updates_written_at_once_leave_one():
    from tests.factories import CampaignFactory, CountyFactory, LeadershipFactory
    from tests.races import race

    for n in range(5):
        county = CountyFactory(fips=f"{91000 + n}", name=f"Update County {n}", state="TX")
        leadership = LeadershipFactory(campaign=CampaignFactory(county=county))
        args = (leadership.campaign_id, leadership.user_id)
        results = race(_write_now, (*args, "one"), (*args, "two"))
        refused = [r for r in results if isinstance(r, updates.UpdateRefused)]
        assert len(refused) == 1, f"round {n}: {results!r}"
        assert CampaignUpdate.objects.filter(campaign=leadership.campaign).count() == 1
