"""Attempts on accounts are rate limited with a clear page; uploads are never served publicly."""

import pytest

from tests.factories import UserFactory


def test_guessing_a_staff_password_is_stopped_even_for_the_right_one(client, db):
    UserFactory(email="staff@example.org", is_staff=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "staff@example.org", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": "staff@example.org", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_flood_of_logins_from_one_connection_gets_a_clear_429_page(client, db):
    statuses = [
        client.post("/accounts/login/", {"login": f"x{i}@example.org", "password": "x"}).status_code
        for i in range(35)
    ]
    assert statuses[-1] == 429
    limited = client.post("/accounts/login/", {"login": "y@example.org", "password": "x"})
    assert limited.status_code == 429
    assert b"Too many tries" in limited.content


def test_correct_password_still_needs_no_more_than_the_form(client, db):
    UserFactory(email="leader@example.org")
    response = client.post(
        "/accounts/login/", {"login": "leader@example.org", "password": "a-long-test-password-1"}
    )
    # Email not verified yet: allauth sends to the verification notice, not an error page.
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "path", ["/media/private/delivery/x.jpg", "/media/private/paperbatch/x.html", "/private/x.jpg"]
)
def test_uploaded_files_have_no_public_address(client, db, path):
    assert client.get(path).status_code == 404


LEADER_PASSWORD = "a-long-test-password-1"


def _verified_leader():
    from allauth.account.models import EmailAddress

    leader = UserFactory(email="leader@example.org")
    EmailAddress.objects.create(user=leader, email=leader.email, verified=True, primary=True)
    return leader


def _log_in(client, password, address):
    return client.post(
        "/accounts/login/",
        {"login": "leader@example.org", "password": password},
        REMOTE_ADDR=address,
    )


def test_failures_from_another_address_do_not_lock_the_real_leader_out(client, db):
    leader = _verified_leader()
    for _ in range(6):
        _log_in(client, "wrong", "203.0.113.66")

    response = _log_in(client, LEADER_PASSWORD, "198.51.100.7")

    assert b"Too many failed login attempts" not in response.content
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(leader.pk)


def test_one_address_hammering_one_account_is_still_stopped(client, db):
    _verified_leader()
    for _ in range(5):
        _log_in(client, "wrong", "203.0.113.66")

    response = _log_in(client, LEADER_PASSWORD, "203.0.113.66")

    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
