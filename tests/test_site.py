"""Site-wide behaviour: every public page in both languages, health check, settings safety."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import CampaignFactory

ROOT = Path(__file__).resolve().parent.parent

PUBLIC_PAGES = [
    "/",
    "/learn/",
    "/privacy/",
    "/search/",
    "/search/?q=galveston",
    "/map/",
    "/record/",
    "/record/tx/",
    "/campaigns/",
]


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_answers_with_one_h1_and_its_language(client, campaign, prefix, path):
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert f'<html lang="{"es" if prefix else "en"}"' in html


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_campaign_page_answers_in_both_languages(client, campaign, prefix):
    path = f"/campaigns/{campaign.state.lower()}/{campaign.slug}/"
    response = client.get(prefix + path)
    assert response.status_code == 200
    assert (
        "el condado de Galveston" if prefix else "Galveston County"
    ) in response.content.decode()


def test_no_page_loads_anything_from_another_origin(client, campaign):
    for path in [*PUBLIC_PAGES, campaign.get_absolute_url()]:
        html = client.get(path).content.decode()
        for url in re.findall(r'(?:src|href)="(https?:)?//([^"/]+)', html):
            pytest.fail(f"{path} references another origin: {url}")


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_without_detail_when_the_database_is_gone(client, db, monkeypatch):
    class GoneConnection:
        def cursor(self):
            raise OperationalError("connection to server at 10.0.0.9 failed: secret detail")

    monkeypatch.setattr("config.views.connection", GoneConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"10.0.0.9" not in response.content
    assert b"secret" not in response.content


def _django(*args, env_extra=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _django("check", env_extra={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-1234",
            "ALLOWED_HOSTS": "end287g.example.org",
            "EMAIL_URL": "smtp+tls://user:pw@smtp.example.org:587",
            "SECURE_SSL_REDIRECT": "true",
            "SESSION_COOKIE_SECURE": "true",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_accept_language_spanish_gets_spanish_on_a_first_visit(client, db):
    response = client.get("/learn/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/es/learn/"


def test_chosen_language_sticks_over_accept_language(client, db):
    response = client.get(reverse("choose_language", args=["en"]) + "?next=/es/learn/")
    assert response["Location"] == "/learn/"
    response = client.get("/learn/", headers={"accept-language": "es"})
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
