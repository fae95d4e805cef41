"""`make run`'s settings: email links follow the address the development server listens on."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _settings(**env) -> dict:
    """Import config/settings.py in a fresh process with only `env` (as a shell would have it)."""
    names = ["SITE_URL", "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "ACCOUNT_EMAIL_SUBJECT_PREFIX"]
    code = (
        "import json, config.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_make_run_default_links_speak_plain_http():
    assert _settings()["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "http"


def test_links_follow_site_url_scheme():
    assert _settings(SITE_URL="http://127.0.0.1:8001")["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "http"
    assert _settings(SITE_URL="https://end287g.example.org")["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == (
        "https"
    )


def test_an_explicit_protocol_wins_over_site_url():
    found = _settings(SITE_URL="http://127.0.0.1:8000", ACCOUNT_DEFAULT_HTTP_PROTOCOL="https")
    assert found["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"


def test_account_email_subjects_start_with_the_sites_name():
    assert _settings()["ACCOUNT_EMAIL_SUBJECT_PREFIX"] == "[End 287(g)] "


@pytest.fixture
def fake_python(tmp_path):
    """A `python` that prints the SITE_URL it was given: make run's recipes without running them."""
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*"\n')
    python.chmod(0o755)
    return tmp_path


def _make_run(fake_python, *args, **env) -> str:
    """The SITE_URL `make run` gives runserver (the shared virtualenv is never reinstalled)."""
    out = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "run", f"BIN={fake_python}", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if "runserver" in line)
    return line.split()[0].removeprefix("SITE_URL=")


def test_make_run_site_url_follows_host_and_port(fake_python):
    assert _make_run(fake_python) == "http://127.0.0.1:8000"
    assert _make_run(fake_python, "PORT=8001") == "http://127.0.0.1:8001"
    assert _make_run(fake_python, "HOST=localhost", "PORT=9000") == "http://localhost:9000"


def test_make_run_on_every_interface_links_to_this_machine(fake_python):
    assert _make_run(fake_python, "HOST=0.0.0.0", "PORT=8001") == "http://127.0.0.1:8001"


def test_make_run_keeps_a_site_url_set_in_the_environment(fake_python):
    found = _make_run(fake_python, "PORT=8001", SITE_URL="https://tunnel.example.org")
    assert found == "https://tunnel.example.org"
