"""Co-leaders: the leader invites up to two people by email; they share the dashboard and tools
through the one leader check; only the leader invites, removes and steps down for the campaign.

Attacks first: a forwarded link, a third invitation, a co-leader inviting, a removed co-leader.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from campaigns import coleaders
from campaigns.models import CoLeaderInvitation, CoLeadership, CoLeadershipEnd
from campaigns.services import step_down
from tests.factories import CampaignFactory, LeadershipFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

_after_commit = None
LINK = re.compile(r"https?://\S+/co-lead/\S+/")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def person(email: str, *, verified: bool = True):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def lead(campaign):
    leadership = LeadershipFactory(campaign=campaign, public_name="Rosa")
    EmailAddress.objects.create(
        user=leadership.user, email=leadership.user.email, verified=True, primary=True
    )
    return leadership


def _url(campaign, name, **extra):
    return reverse(f"campaigns:{name}", kwargs={**campaign.url_kwargs, **extra})


@pytest.fixture(autouse=True)
def _emails_sent_after_commit(django_capture_on_commit_callbacks):
    # The invitation is queued after commit: run those callbacks as each request ends.
    global _after_commit
    _after_commit = django_capture_on_commit_callbacks
    yield


def _invite(client, lead, email, language="en"):
    client.force_login(lead.user)
    with _after_commit(execute=True):
        return client.post(
            _url(lead.campaign, "invite_co_leader"), {"email": email, "language": language}
        )


def _link_from(mailoutbox, email) -> str:
    sent = [m for m in mailoutbox if m.to == [email]]
    assert sent, f"no email to {email}"
    return LINK.search(sent[-1].body).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _accept(client, user, link, name="Ana"):
    client.force_login(user)
    return client.post(
        _path(link), {"promote": "on", "gather": "on", "deliver": "on", "public_name": name}
    )


def _co_leader(client, lead, mailoutbox, email="ana@example.org", name="Ana"):
    _invite(client, lead, email)
    user = person(email)
    _accept(client, user, _link_from(mailoutbox, email), name=name)
    return user


# Attacks.


def test_a_stranger_with_a_forwarded_link_logged_in_with_another_email_gets_nothing(
    client, lead, mailoutbox
):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    stranger = person("mallory@example.org")

    client.force_login(stranger)
    page = client.get(_path(link))
    accepted = _accept(client, stranger, link)

    assert page.status_code == accepted.status_code == 404
    assert lead.campaign.name not in page.content.decode()
    assert "Rosa" not in page.content.decode()
    assert not CoLeadership.objects.exists()
    assert client.get(_url(lead.campaign, "dashboard")).status_code == 404


def test_an_unverified_copy_of_the_invited_address_opens_nothing(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    # Someone signs up with the invited address but never confirms it (they do not own it).
    impostor = person("ana@example.org", verified=False)

    assert _accept(client, impostor, link).status_code == 404
    assert not CoLeadership.objects.exists()


def test_a_third_invitation_is_refused(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    _invite(client, lead, "ben@example.org")

    page = _invite(client, lead, "cruz@example.org")

    assert CoLeaderInvitation.objects.count() == 2
    assert not [m for m in mailoutbox if m.to == ["cruz@example.org"]]
    shown = client.get(page.url).content.decode()
    assert "at most two co-leaders" in shown


def test_two_co_leaders_and_no_more(client, lead, mailoutbox):
    _co_leader(client, lead, mailoutbox, "ana@example.org", "Ana")
    _co_leader(client, lead, mailoutbox, "ben@example.org", "Ben")

    _invite(client, lead, "cruz@example.org")

    assert CoLeadership.objects.active().count() == 2
    assert not CoLeaderInvitation.objects.filter(email="cruz@example.org").exists()


def test_a_co_leader_cannot_invite_remove_or_step_down_for_the_campaign(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox, "ana@example.org", "Ana")
    ben = _co_leader(client, lead, mailoutbox, "ben@example.org", "Ben")
    client.force_login(ana)

    invited = client.post(
        _url(lead.campaign, "invite_co_leader"), {"email": "eve@example.org", "language": "en"}
    )
    removed = client.post(
        _url(lead.campaign, "remove_co_leader", co_leadership_id=ben.co_leaderships.get().pk)
    )
    stepped = client.post(_url(lead.campaign, "step_down"))

    assert invited.status_code == removed.status_code == stepped.status_code == 404
    assert not CoLeaderInvitation.objects.filter(email="eve@example.org").exists()
    assert CoLeadership.objects.active().count() == 2
    lead.refresh_from_db()
    assert lead.is_active


def test_a_removed_co_leader_loses_access_at_once(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)
    co_leadership = ana.co_leaderships.get()
    client.force_login(lead.user)
    client.post(_url(lead.campaign, "remove_co_leader", co_leadership_id=co_leadership.pk))

    client.force_login(ana)
    for name in ("dashboard", "tools", "training", "petition_text", "co_leader_step_down"):
        assert client.get(_url(lead.campaign, name)).status_code == 404, name
    co_leadership.refresh_from_db()
    assert co_leadership.end_reason == CoLeadershipEnd.REMOVED
    assert co_leadership.ended_by == lead.user


def test_nothing_a_co_leader_sees_reveals_a_signers_email(client, lead, mailoutbox):
    campaign = lead.campaign
    signers = [
        SignatureFactory(campaign=campaign, email=f"private{n}@example.net", keep_updated=True)
        for n in range(3)
    ]
    ana = _co_leader(client, lead, mailoutbox)
    client.force_login(ana)
    kwargs = campaign.url_kwargs

    pages = [
        _url(campaign, "dashboard"),
        _url(campaign, "tools"),
        reverse("petitions:updates", kwargs=kwargs),
        reverse("petitions:delivery", kwargs=kwargs),
        reverse("petitions:event_schedule", kwargs=kwargs),
        reverse("campaigns:my_campaigns"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for signer in signers:
            assert signer.email not in body, url
            assert "example.net" not in body, url


def test_an_invitation_link_works_once(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    ana = person("ana@example.org")
    _accept(client, ana, link)
    client.force_login(ana)
    client.post(_url(lead.campaign, "co_leader_step_down"))

    again = _accept(client, ana, link)

    assert again.status_code == 404
    assert CoLeadership.objects.active().count() == 0


def test_an_expired_invitation_is_refused(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    CoLeaderInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert _accept(client, person("ana@example.org"), link).status_code == 404
    assert not CoLeadership.objects.exists()


def test_a_forged_token_is_refused(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    ana = person("ana@example.org")
    forged = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]

    assert _accept(client, ana, forged).status_code == 404


def test_a_cancelled_invitation_no_longer_works(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _link_from(mailoutbox, "ana@example.org")
    invitation = CoLeaderInvitation.objects.get()
    client.post(_url(lead.campaign, "cancel_co_leader_invitation", invitation_id=invitation.pk))

    assert _accept(client, person("ana@example.org"), link).status_code == 404


def test_when_the_leader_steps_down_the_co_leaders_leave_with_them(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)
    _invite(client, lead, "ben@example.org")
    ben_link = _link_from(mailoutbox, "ben@example.org")

    step_down(lead.user, lead.campaign)

    client.force_login(ana)
    assert client.get(_url(lead.campaign, "dashboard")).status_code == 404
    assert ana.co_leaderships.get().end_reason == CoLeadershipEnd.LEAD_ENDED
    assert _accept(client, person("ben@example.org"), ben_link).status_code == 404


# What a co-leader and the leader do.


def test_the_invitation_email_is_in_the_language_the_leader_chose(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org", language="es")

    (mail,) = mailoutbox
    assert "Rosa" in mail.subject
    assert "colíder" in mail.subject.lower() or "colíder" in mail.body.lower()
    assert "/es/co-lead/" in mail.body
    assert mail.to[0] == "ana@example.org"


def test_the_invitation_email_in_english(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org", language="en")

    (mail,) = mailoutbox
    assert "invites you to co-lead" in mail.subject
    assert "only for this email address" in mail.body


def test_an_invited_person_who_is_not_logged_in_signs_up_and_comes_back(client, lead, mailoutbox):
    _invite(client, lead, "ana@example.org")
    link = _path(_link_from(mailoutbox, "ana@example.org"))
    client.logout()

    response = client.get(link)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_signup"))
    assert "next=" in response.url
    signup = client.post(
        response.url,
        {
            "email": "ana@example.org",
            "password1": "a-long-test-password-1",
            "password2": "a-long-test-password-1",
        },
    )
    assert signup.status_code == 302
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(email="ana@example.org").return_to == link


def test_a_co_leader_shares_the_dashboard_and_the_flyer(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)
    client.force_login(ana)

    dashboard = client.get(_url(lead.campaign, "dashboard"))
    tools = client.get(_url(lead.campaign, "tools"))

    assert dashboard.status_code == tools.status_code == 200
    body = dashboard.content.decode()
    assert "Ana" in body and "Rosa" in body
    assert "Step down as co-leader" in body
    assert "Send the invitation" not in body
    assert "Step down as leader" not in body
    assert reverse("campaigns:flyer", kwargs=lead.campaign.url_kwargs) in tools.content.decode()


def test_the_leader_sees_the_co_leader_and_the_waiting_invitation(client, lead, mailoutbox):
    _co_leader(client, lead, mailoutbox)
    _invite(client, lead, "ben@example.org")
    client.force_login(lead.user)

    body = client.get(_url(lead.campaign, "dashboard")).content.decode()

    assert "Remove Ana" in body
    assert "ben@example.org" in body
    assert "Send the invitation" not in body  # two seats taken


def test_a_co_leader_writes_an_update_through_the_same_service(client, lead, mailoutbox):
    from petitions.updates import write_update

    ana = _co_leader(client, lead, mailoutbox)

    update = write_update(lead.campaign, author=ana, subject="Hello", body="We are 100!")

    assert update.author == ana


def test_a_co_leader_steps_down(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)
    client.force_login(ana)

    client.post(_url(lead.campaign, "co_leader_step_down"))

    assert ana.co_leaderships.get().end_reason == CoLeadershipEnd.STEPPED_DOWN
    assert client.get(_url(lead.campaign, "dashboard")).status_code == 404
    lead.refresh_from_db()
    assert lead.is_active


def test_the_database_refuses_a_third_active_co_leader(lead):
    for seat in (1, 2):
        CoLeadership.objects.create(
            leadership=lead, user=UserFactory(), public_name=f"Seat {seat}", seat=seat
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CoLeadership.objects.create(leadership=lead, user=UserFactory(), public_name="X", seat=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoLeadership.objects.create(leadership=lead, user=UserFactory(), public_name="X", seat=1)


def test_staff_see_co_leaders_in_the_admin(admin_client, lead, mailoutbox, client):
    _co_leader(client, lead, mailoutbox)

    changelist = admin_client.get(reverse("admin:campaigns_coleadership_changelist"))
    campaign_page = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[lead.campaign.pk])
    )

    assert "Ana" in changelist.content.decode()
    assert "ana@example.org" in campaign_page.content.decode()


def test_the_service_refuses_an_invitation_from_a_co_leader(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)

    with pytest.raises(coleaders.NotLeading):
        coleaders.invite_co_leader(lead.campaign, by=ana, email="eve@example.org", language="en")


def test_a_co_leaders_update_waits_for_staff_even_when_the_leader_is_trusted(
    client, lead, mailoutbox, settings
):
    from petitions.models import Delivery
    from petitions.updates import write_update

    settings.UPDATES_TRUSTED_LEADERS_SKIP_APPROVAL = True
    lead.training_completed_at = timezone.now()
    lead.save()
    Delivery.objects.create(
        campaign=lead.campaign, delivered_on=timezone.localdate(), received_by="Desk"
    )
    ana = _co_leader(client, lead, mailoutbox)

    update = write_update(lead.campaign, author=ana, subject="Hello", body="We delivered!")

    assert update.status == "pending"


def test_a_co_leaders_proposed_contact_names_them(client, lead, mailoutbox):
    from campaigns.models import TargetContactProposal

    ana = _co_leader(client, lead, mailoutbox)
    target = lead.campaign.targets.first()
    client.force_login(ana)

    client.post(
        reverse(
            "campaigns:propose_contact", kwargs={**lead.campaign.url_kwargs, "target_id": target.pk}
        ),
        {"phone": "409-555-0100", "note": "county website"},
    )

    assert TargetContactProposal.objects.get().proposed_by == ana


# Handing over: the lead's alone.


def test_the_leader_hands_the_campaign_to_a_co_leader_and_the_other_stays(client, lead, mailoutbox):
    from campaigns.models import LeadershipEnd

    ana = _co_leader(client, lead, mailoutbox, "ana@example.org", "Ana")
    ben = _co_leader(client, lead, mailoutbox, "ben@example.org", "Ben")
    client.force_login(lead.user)

    client.post(_url(lead.campaign, "hand_over", co_leadership_id=ana.co_leaderships.get().pk))

    lead.refresh_from_db()
    assert lead.end_reason == LeadershipEnd.HANDED_OVER
    new_term = lead.campaign.leaderships.active().get()
    assert (new_term.user, new_term.public_name) == (ana, "Ana")
    lead.campaign.refresh_from_db()
    assert lead.campaign.status == "led"
    assert list(new_term.co_leaderships.active().values_list("user", flat=True)) == [ben.pk]
    assert client.get(_url(lead.campaign, "dashboard")).status_code == 404  # Rosa is out
    client.force_login(ben)
    assert client.get(_url(lead.campaign, "dashboard")).status_code == 200
    client.force_login(ana)
    body = client.get(_url(lead.campaign, "dashboard")).content.decode()
    assert "Send the invitation" in body  # Ana leads now: one seat free


def test_a_co_leader_cannot_hand_the_campaign_to_themselves(client, lead, mailoutbox):
    ana = _co_leader(client, lead, mailoutbox)
    client.force_login(ana)

    response = client.post(
        _url(lead.campaign, "hand_over", co_leadership_id=ana.co_leaderships.get().pk)
    )

    assert response.status_code == 404
    assert lead.campaign.leaderships.active().get() == lead
