"""What a leader types in (at the signing table or from a paper sheet) never tells them whether that
person signed online: in-person entries are compared only with in-person entries; a match with an
online signature is recorded as any other entry and shown to staff alone. And a race between an
online and a table signature with one mailbox writes no unique violation (PostgreSQL logs its
detail, the address included)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from campaigns.models import Campaign
from petitions.in_person import open_signing_table, sign_at_table
from petitions.models import Signature, email_key
from petitions.signing import sign_petition
from tests.factories import (
    CampaignFactory,
    CountyFactory,
    LeadershipFactory,
    SignatureFactory,
    UserFactory,
)
from tests.races import race

from .conftest import post
from .test_paper import sheet

pytestmark = pytest.mark.django_db

LUPE = {"name": "Guadalupe Treviño", "zip_code": "77550", "email": "lupe@example.org"}


def _url(campaign, tail=""):
    with translation.override("en"):
        return f"{campaign.get_absolute_url()}{tail}"


def _scrub(html: str) -> str:
    """The page without what differs on every request (CSRF tokens, CSP nonces, the time)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"For the leader: at .*? closes by itself", "", html)  # the clock's minute
    return re.sub(r'nonce="[^"]+"', "", html)


def _online(campaign, *, who, status):
    # The "without" world has someone else's online signature, so every count is the same.
    other = {"name": "Someone Else", "zip_code": "77551", "email": "else@example.org"}
    person = LUPE if who == "lupe" else other
    SignatureFactory(
        campaign=campaign,
        name=person["name"],
        zip_code=person["zip_code"],
        email=person["email"],
        status=status,
        visibility="counted",
    )


def _leader_sees(client, campaign, leadership, *, who, status, channel, typed):
    """Everything the leader is shown after typing `typed` in, in a world rolled back after."""
    with transaction.atomic():
        _online(campaign, who=who, status=status)
        client.cookies.clear()  # the session of the world rolled back before is gone
        client.force_login(leadership.user)
        if channel == "table":
            post(client, _url(campaign, "table/open/"))
            response = post(client, _url(campaign, "table/"), {"visibility": "counted", **typed})
        else:
            lines = [(typed["name"], typed["zip_code"], "counted")]
            response = post(client, _url(campaign, "paper/"), sheet(lines))
        seen = [
            response.status_code,
            response["Location"],
            _scrub(client.get(response["Location"]).content.decode()),
        ]
        if channel == "table":  # the leader's password ends the table's locked-down mode
            post(client, _url(campaign, "table/close/"), {"password": "a-long-test-password-1"})
        dashboard = client.get(_url(campaign, "dashboard/"))
        assert dashboard.status_code == 200
        seen.append(_scrub(dashboard.content.decode()))
        entry = Signature.objects.exclude(method="online").get()
        stored = (entry.status, entry.possible_duplicate, entry.online_match)
        transaction.set_rollback(True)
    return seen, stored


@pytest.mark.parametrize("status", ["confirmed", "pending", "withdrawn"])
@pytest.mark.parametrize(
    ("channel", "typed"),
    [
        ("table", {"name": "Someone New", "zip_code": "77550", "email": "LUPE@example.org"}),
        ("table", {"name": "GUADALUPE trevino", "zip_code": "77550", "email": ""}),
        ("paper", {"name": "guadalupe  Treviño", "zip_code": "77550"}),
    ],
    ids=["table-email", "table-name-zip", "paper-name-zip"],
)
def test_the_leader_sees_the_same_whether_or_not_that_person_signed_online(
    client, campaign, leadership, status, channel, typed
):
    with_lupe, stored = _leader_sees(
        client, campaign, leadership, who="lupe", status=status, channel=channel, typed=typed
    )
    without, stored_without = _leader_sees(
        client, campaign, leadership, who="else", status=status, channel=channel, typed=typed
    )

    assert with_lupe == without
    assert "Check these signatures" not in with_lupe[3]
    # Counted for the leader as any entry; the match goes to staff only.
    assert stored_without == ("confirmed", False, False)
    email_taken = bool(typed.get("email"))
    live = status != "withdrawn"
    assert stored == ("confirmed", False, email_taken or live)


def test_a_mailbox_that_signed_online_is_recorded_without_it_and_flagged_for_staff(
    client, campaign, leadership
):
    _online(campaign, who="lupe", status="confirmed")
    client.force_login(leadership.user)
    post(client, _url(campaign, "table/open/"))
    post(client, _url(campaign, "table/"), {"visibility": "counted", **LUPE})
    entry = Signature.objects.get(method="in_person")
    assert (entry.status, entry.email, entry.email_key, entry.online_match) == (
        "confirmed",
        "",
        "",
        True,
    )

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin = f"/{settings.ADMIN_URL}petitions/signature/"
    flagged = client.get(admin, {"online_match__exact": "1"})
    assert flagged.status_code == 200
    assert list(flagged.context["cl"].result_list) == [entry]


def test_in_person_entries_are_still_compared_with_each_other(client, campaign, leadership):
    client.force_login(leadership.user)
    post(client, _url(campaign, "table/open/"))
    post(client, _url(campaign, "table/"), {"visibility": "counted", **LUPE})
    post(
        client,
        _url(campaign, "table/"),
        {
            "visibility": "counted",
            "name": "Other Name",
            "zip_code": "77551",
            "email": LUPE["email"],
        },
    )
    rows = list(
        Signature.objects.order_by("pk").values_list("status", "possible_duplicate", "online_match")
    )
    assert rows == [("confirmed", False, False), ("pending", True, False)]


# PostgreSQL: an online and a table signature with one mailbox at once ---------------------------


def _watching_unique_violations(target):
    def run(*args):
        violations = []

        def watch(execute, sql, params, many, context):
            try:
                return execute(sql, params, many, context)
            except IntegrityError as exc:
                violations.append(exc)
                raise

        with connection.execute_wrapper(watch):
            outcome = target(*args)
        return violations[0] if violations else outcome

    return run


def _sign_somewhere(where, campaign_id, user_id):
    campaign = Campaign.objects.get(pk=campaign_id)
    if where == "online":
        return sign_petition(
            campaign,
            name="Ana López",
            email="ana@example.org",
            zip_code="77550",
            visibility="counted",
        )
    user = get_user_model().objects.get(pk=user_id)
    return sign_at_table(
        campaign,
        user=user,
        name="Ana López",
        email="Ana@Example.org",
        zip_code="77550",
        visibility="counted",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_online_and_a_table_signature_with_one_mailbox_at_once_raise_no_unique_violation():
    for n in range(40):
        county = CountyFactory(fips=f"{93000 + n}", name=f"Mailbox County {n}", state="TX")
        leadership = LeadershipFactory(campaign=CampaignFactory(county=county))
        open_signing_table(leadership.campaign, user=leadership.user)
        ids = (leadership.campaign_id, leadership.user_id)

        results = race(
            _watching_unique_violations(_sign_somewhere), ("online", *ids), ("table", *ids)
        )

        assert not any(isinstance(r, Exception) for r in results), f"round {n}: {results!r}"
        rows = Signature.objects.filter(campaign_id=leadership.campaign_id)
        assert rows.filter(email_key=email_key("ana@example.org")).count() == 1, n
        assert rows.filter(method="in_person").count() == 1, n
