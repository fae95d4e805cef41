"""Counting: one aggregate, the organization's rules, invalidation, recount, milestones."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions.counting import fresh_tally, refresh_tallies, tally_for
from petitions.invalidation import InvalidationCriteria, invalidate_signatures
from petitions.models import CampaignTally, Invalidation, MilestoneNotice, Signature, SiteSettings
from tests.factories import SignatureFactory, UserFactory

from .conftest import committed, link_from, post, post_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(campaign):
    SignatureFactory.create_batch(3, campaign=campaign)  # residents, online
    SignatureFactory.create_batch(2, campaign=campaign, county_resident=False, zip_code="10001")
    SignatureFactory(campaign=campaign, method="paper")
    SignatureFactory(campaign=campaign, method="in_person", county_resident=False)
    SignatureFactory(campaign=campaign, status="pending")
    SignatureFactory(campaign=campaign, status="withdrawn")
    refresh_tallies([campaign])  # what the task does after confirmations
    return campaign


def test_the_tally_a_visitor_sees_is_the_stored_row_and_counts_only_confirmed(mixed):
    with CaptureQueriesContext(connection) as queries:
        tally = tally_for(mixed, site=SiteSettings.load())
    assert len(queries) == 1
    assert "petitions_signature" not in queries[0]["sql"]
    assert fresh_tally(mixed) == tally  # the rows agree with the stored tally
    assert (tally.counted, tally.confirmed) == (7, 7)
    assert (tally.residents, tally.elsewhere) == (4, 3)
    assert (tally.online, tally.paper, tally.in_person) == (5, 1, 1)


def test_paper_that_does_not_count_is_left_out(mixed):
    mixed.paper_counts = False
    tally = tally_for(mixed)
    assert (tally.counted, tally.residents, tally.elsewhere, tally.confirmed) == (5, 3, 2, 7)


def test_residents_only_goal(mixed):
    SiteSettings.objects.update_or_create(pk=1, defaults={"milestone_counts": "residents"})
    tally = tally_for(mixed)
    assert (tally.counted, tally.residents, tally.elsewhere) == (4, 4, 3)


def test_the_count_json_is_what_a_visitor_sees_and_public_for_a_few_seconds(client, mixed):
    response = client.get(f"{mixed.get_absolute_url()}count/")
    assert response.json() == {"counted": 7, "goal": 200, "residents": 4, "elsewhere": 3}
    assert "public" in response["Cache-Control"]
    assert "max-age=5" in response["Cache-Control"]


def test_the_progress_shows_number_bar_and_breakdown(client, mixed):
    html = client.get(mixed.get_absolute_url()).content.decode()
    assert '<progress id="signature-progress" max="200" value="7"' in html
    assert "7 of 200" in html
    assert 'role="status"' in html
    assert "4 county residents" in html
    assert "3 supporters elsewhere" in html
    assert "5 online · 1 on paper · 1 in person" in html


def test_counts_follow_a_bulk_invalidation(client, mixed):
    staff = UserFactory(is_staff=True)
    SignatureFactory(campaign=mixed, email="bot1@spam.example", email_key="bot1@spam.example")
    SignatureFactory(campaign=mixed, email="bot2@spam.example", email_key="bot2@spam.example")
    refresh_tallies([mixed])
    assert "9 of 200" in client.get(mixed.get_absolute_url()).content.decode()

    with committed():
        invalidation = invalidate_signatures(
            InvalidationCriteria(campaign=mixed, email_domain="spam.example"),
            reason="Sign-up flood from one domain",
            user=staff,
        )

    assert invalidation.signatures_affected == 2
    assert Signature.objects.filter(invalidation=invalidation, status="invalidated").count() == 2
    assert Invalidation.objects.get().reason == "Sign-up flood from one domain"
    assert "7 of 200" in client.get(mixed.get_absolute_url()).content.decode()
    assert CampaignTally.objects.get(campaign=mixed).counted == 7


def test_invalidation_by_time_window(mixed):
    late = SignatureFactory(campaign=mixed)
    Signature.objects.filter(pk=late.pk).update(
        created_at=timezone.now() + timezone.timedelta(hours=2)
    )
    with committed():
        invalidate_signatures(
            InvalidationCriteria(signed_from=timezone.now() + timezone.timedelta(hours=1)),
            reason="Burst at night",
            user=None,
        )
    assert Signature.objects.filter(status="invalidated").get() == late


def test_recount_fixes_drift_reports_it_and_tells_staff(mixed, settings):
    settings.STAFF_NOTIFY_EMAILS = ["staff@example.org"]
    call_command("recount_signatures", verbosity=0)
    CampaignTally.objects.filter(campaign=mixed).update(counted=3, residents=99)
    mail.outbox.clear()

    from io import StringIO

    out = StringIO()
    call_command("recount_signatures", "--dry-run", stdout=out)
    assert "would fix" in out.getvalue()
    assert CampaignTally.objects.get(campaign=mixed).counted == 3
    assert mail.outbox == []

    out = StringIO()
    call_command("recount_signatures", stdout=out)
    report = out.getvalue()
    assert "Galveston County, TX: counted 3 → 7, residents 99 → 4" in report
    assert "drift fixed in 1" in report
    tally = CampaignTally.objects.get(campaign=mixed)
    assert (tally.counted, tally.residents, tally.confirmed) == (7, 4, 7)
    [message] = mail.outbox
    assert message.to == ["staff@example.org"]
    assert "counted 3 → 7" in message.body

    mail.outbox.clear()
    out = StringIO()
    call_command("recount_signatures", stdout=out)
    assert "drift fixed in 0" in out.getvalue()
    assert mail.outbox == []


def _confirm_new_signer(client, campaign, n):
    post_sign(client, campaign, email=f"new{n}@example.org")
    message = [m for m in mail.outbox if m.to == [f"new{n}@example.org"]][-1]
    post(client, link_from(message, "confirm"))


def test_the_leader_gets_each_milestone_email_once(client, campaign, leadership):
    SignatureFactory.create_batch(48, campaign=campaign)
    for n in range(3):  # 49, 50, 51
        _confirm_new_signer(client, campaign, n)
    milestone_mail = [m for m in mail.outbox if m.to == [leadership.user.email]]
    assert len(milestone_mail) == 1
    assert "50 confirmed signatures" in milestone_mail[0].subject
    assert "@example.org" not in milestone_mail[0].body.replace(leadership.user.email, "")
    assert list(MilestoneNotice.objects.values_list("threshold", flat=True)) == [50]

    # Withdrawing and confirming again around the line does not send it twice.
    Signature.objects.filter(email="new2@example.org").update(status="withdrawn")
    _confirm_new_signer(client, campaign, 3)
    assert len([m for m in mail.outbox if m.to == [leadership.user.email]]) == 1


def test_reaching_the_goal_opens_the_delivery_kit_in_the_email(client, campaign, leadership):
    SignatureFactory.create_batch(199, campaign=campaign)
    _confirm_new_signer(client, campaign, 0)
    [message] = [m for m in mail.outbox if m.to == [leadership.user.email]]
    assert "reached the goal" in message.subject
    assert f"http://testserver{campaign.get_absolute_url()}delivery/" in message.body
    assert sorted(MilestoneNotice.objects.values_list("threshold", flat=True)) == [50, 100, 200]


def test_a_mail_outage_leaves_the_recount_done_and_its_report_to_the_retrying_task(
    mixed, settings, caplog
):
    from unittest import mock

    settings.STAFF_NOTIFY_EMAILS = ["staff@example.org"]
    call_command("recount_signatures", verbosity=0)
    CampaignTally.objects.filter(campaign=mixed).update(counted=3)

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail down")):
        call_command("recount_signatures", verbosity=0)

    assert CampaignTally.objects.get(campaign=mixed).counted == 7
    assert "tell_staff_of_drift failed (OSError)" in caplog.text


def test_changing_what_counts_in_admin_recounts_in_a_task_after_the_save(
    client, mixed, django_capture_on_commit_callbacks
):
    from petitions.counting import refresh_tallies
    from petitions.models import CampaignTally
    from tests.hardening.test_monitoring import ADMIN, _submit_admin_form

    refresh_tallies([mixed])
    assert CampaignTally.objects.get(campaign=mixed).counted == 7
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    site = SiteSettings.load()
    url = f"{ADMIN}petitions/sitesettings/{site.pk}/change/"

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _submit_admin_form(
            client, url, "sitesettings_form", milestone_counts="residents"
        )
        assert response.status_code == 302
        # The request itself recounts nothing: every campaign's count is work for a task.
        assert CampaignTally.objects.get(campaign=mixed).counted == 7
    for callback in queued:
        callback()

    assert CampaignTally.objects.get(campaign=mixed).counted == 4


@pytest.mark.parametrize("path", ["", "count/"])
def test_the_campaign_page_and_count_cost_the_same_at_one_signature_and_at_many(
    client, campaign, leadership, path
):
    """Flat in signatures: a visitor reads the stored tally, never an aggregate over the rows."""
    SignatureFactory(campaign=campaign)
    refresh_tallies([campaign])
    url = f"{campaign.get_absolute_url()}{path}"
    cache.clear()  # each read uncached: the shared page cache would hide the cost
    with CaptureQueriesContext(connection) as at_one:
        first = client.get(url)
    SignatureFactory.create_batch(40, campaign=campaign)
    refresh_tallies([campaign])
    cache.clear()
    with CaptureQueriesContext(connection) as at_many:
        second = client.get(url)

    # The same statements (their WHERE holds the time of the request, so compare up to it).
    assert [_shape(q) for q in at_many] == [_shape(q) for q in at_one]
    assert not [q for q in at_many if "petitions_signature" in q["sql"]]
    assert "1 of 200" in first.content.decode() or first.json()["counted"] == 1
    assert "41 of 200" in second.content.decode() or second.json()["counted"] == 41


def _shape(query) -> str:
    return query["sql"].split(" WHERE ")[0]
