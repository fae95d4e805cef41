"""Staff log in right after `createsuperuser`: no confirm-email detour (allauth's verification is
mandatory for everyone else)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password-1"


def _log_in(client, email):
    return client.post(
        "/accounts/login/?next=/admin/", {"login": email, "password": PASSWORD}, follow=False
    )


def test_a_new_superuser_logs_in_straight_to_admin(client):
    get_user_model().objects.create_superuser("organizer@example.org", PASSWORD)

    response = _log_in(client, "organizer@example.org")

    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_createsuperuser_gives_a_verified_primary_address(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", "--no-input", "--email", "organizer@example.org")

    address = EmailAddress.objects.get(email="organizer@example.org")
    assert (address.verified, address.primary, address.user.is_superuser) == (True, True, True)


def test_anyone_else_still_confirms_their_address_first(client):
    get_user_model().objects.create_user("leader@example.org", PASSWORD)

    response = _log_in(client, "leader@example.org")

    assert "confirm-email" in response["Location"]
