"""Staff's second factor is kept encrypted: a stolen database dump holds no usable TOTP secret
nor recovery-code seed (the key, MFA_ENCRYPTION_KEY, lives outside the database)."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time() // app_settings.TOTP_PERIOD)))


def test_the_totp_secret_is_stored_encrypted_and_still_checks_codes():
    staff = UserFactory(is_staff=True)
    secret = generate_totp_secret()

    TOTP.activate(staff, secret)

    stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert TOTP(stored).validate_code(_code(secret))


def test_the_recovery_codes_seed_is_stored_encrypted():
    staff = UserFactory(is_staff=True)
    codes = RecoveryCodes.activate(staff)
    stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
    assert len(stored.data["seed"]) != 80  # a bare seed is 80 hex digits
    assert RecoveryCodes(stored).generate_codes() == codes.generate_codes()


def test_without_the_key_the_stored_secret_is_useless():
    staff = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    stored = Authenticator.objects.get(user=staff)
    with override_settings(MFA_ENCRYPTION_KEY="another key"), pytest.raises(Exception):  # noqa: B017, PT011
        TOTP(stored).validate_code(_code(secret))


def test_secrets_stored_before_are_encrypted_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_encrypt_mfa_secrets")
    staff = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    plain = Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": secret}
    )

    migration.encrypt_secrets(apps, None)
    migration.encrypt_secrets(apps, None)  # twice is harmless

    plain.refresh_from_db()
    assert plain.data["secret"] != secret
    assert TOTP(plain).validate_code(_code(secret))
