"""A leader's account on a borrowed or unattended device: changing the email, the password or
two-factor asks for the password again, and the account's address is told of each change, in the
account's language, from End 287(g)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import TestCase

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def leader(client):
    user = UserFactory(email="rosa@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)  # logged in earlier: no recent password in this session
    return user


def _post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def test_adding_an_email_asks_for_the_password_first(client, leader):
    response = _post(client, "/accounts/email/", {"action_add": "", "email": "thief@example.org"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="thief@example.org").exists()
    assert mail.outbox == []

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()
    wrong = _post(client, response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200
    _post(client, response["Location"], {"password": PASSWORD})
    _post(client, "/accounts/email/", {"action_add": "", "email": "new@example.org"})
    assert EmailAddress.objects.filter(user=leader, email="new@example.org").exists()


def test_setting_up_two_factor_asks_for_the_password_first(client, leader):
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_changing_the_password_asks_for_the_current_one(client, leader):
    response = _post(
        client,
        "/accounts/password/change/",
        {"password1": "another-long-password-2", "password2": "another-long-password-2"},
    )
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("prefix", "subject", "body"),
    [
        ("", "[End 287(g)] Password Changed", "Your password has been changed."),
        ("/es", "[End 287(g)] Contraseña cambiada", "Su contraseña ha sido cambiada."),
    ],
)
def test_the_accounts_address_is_told_of_a_password_change(client, leader, prefix, subject, body):
    response = _post(
        client,
        f"{prefix}/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-password-2",
            "password2": "another-long-password-2",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.check_password("another-long-password-2")
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert message.subject == subject
    assert body in message.body
    assert "End 287(g)" in message.body
    assert "testserver" not in message.body  # the site's name, not the host's


def test_the_old_address_is_told_when_another_is_added(client, leader):
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    _post(client, "/accounts/email/", {"action_add": "", "email": "new@example.org"})
    to_old = [m for m in mail.outbox if m.to == ["rosa@example.org"]]
    assert len(to_old) == 1
    assert "new@example.org" in to_old[0].body
