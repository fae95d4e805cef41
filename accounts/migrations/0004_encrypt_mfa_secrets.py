"""Encrypt the TOTP secrets and recovery-code seeds stored in the clear before accounts.adapter.MFAAdapter.

Idempotent: a value that already decrypts with the current key is left alone.
"""

from cryptography.fernet import InvalidToken
from django.db import migrations


def _encrypted(fernet, value: str) -> str:
    try:
        fernet.decrypt(value.encode())
    except InvalidToken:
        return fernet.encrypt(value.encode()).decode()
    return value


def encrypt_secrets(apps, schema_editor):
    from accounts.adapter import mfa_fernet

    fernet = mfa_fernet()
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = _encrypted(fernet, data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [_encrypted(fernet, code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_return_to"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, migrations.RunPython.noop, elidable=True)]
