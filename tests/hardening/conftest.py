"""Hardening tests log in and sign up hundreds of times: hash passwords cheaply here.

Every failed login still runs the hasher once (Django's guard against timing attacks), so with the
production hasher a 35-login flood alone took 15 s. What these tests check is the limits and the
pages, not the hash.
"""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
