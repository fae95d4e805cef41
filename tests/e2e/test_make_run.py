"""A newcomer's first hour, against `make run` itself: its DEBUG, SQLite, console email, runserver.

One server for the module: `make run HOST=127.0.0.1 PORT=<a free, non-default port>` in a clean
environment (none of the test run's settings), on a temporary SQLite file. Emails are read where a
newcomer reads them: the server's output. The emailed link is opened in a NEW browser context, as a
phone's mail app does.
"""

import email
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
from email import policy
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long walk to the sheriff"
SEPARATOR = "\n" + "-" * 79 + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MakeRun:
    """The running `make run`: its address, its database, the emails it printed."""

    def __init__(self, port: int, db: Path, out: Path):
        self.origin = f"http://127.0.0.1:{port}"
        self.db = db
        self.out = out

    def open_campaigns(self, count: int) -> list[tuple[str, str, str]]:
        """(state, slug, name) of open campaigns, each test takes its own."""
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(
                "SELECT state, slug, name FROM campaigns_campaign WHERE status = 'open' "
                "ORDER BY id LIMIT ?",
                (count,),
            ).fetchall()
        assert len(rows) == count, rows
        return [(state.lower(), slug, name) for state, slug, name in rows]

    def emails_to(self, address: str, timeout: float = 20) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for chunk in self.out.read_text(errors="replace").split(SEPARATOR):
                start = re.search(r"^Content-Type:", chunk, re.MULTILINE)
                if start is None:
                    continue
                message = email.message_from_string(chunk[start.start() :], policy=policy.default)
                if address in str(message.get("To", "")):
                    found.append(message)
            if found or time.monotonic() > deadline:
                assert found, f"no email to {address} in the server's output"
                return found
            time.sleep(0.2)

    def link_to(self, address: str) -> str:
        body = self.emails_to(address)[-1].get_body(("plain",)).get_content()
        found = re.search(r"https?://\S+/accounts/confirm-email/\S+", body)
        assert found, body
        return found.group(0)


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make_run")
    port = _free_port()
    # A newcomer's shell: none of the variables the test run sets (SITE_URL, SECRET_KEY, …).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env.update(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", PYTHONUNBUFFERED="1")
    out = folder / "stdout.txt"
    with out.open("w") as stdout, (folder / "stderr.txt").open("w") as stderr:
        # -o: the shared virtualenv is installed already; never pip install from a test.
        process = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    server = MakeRun(port, folder / "db.sqlite3", out)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (folder / "stderr.txt").read_text()[-3000:]
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "make run did not answer in time"
            time.sleep(0.5)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def campaigns(make_run):
    return iter(make_run.open_campaigns(4))


@pytest.fixture
def new_context(browser, make_run):
    contexts = []

    def make():
        context = browser.new_context(base_url=make_run.origin, locale="en-US")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _sign_up(page, address: str):
    page.locator("input[name=email]").fill(address)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()


def test_maria_confirms_on_her_phone_and_lands_on_her_countys_claim(
    make_run, campaigns, new_context
):
    state, slug, name = next(campaigns)
    address = "maria@example.org"
    laptop = new_context()
    laptop.goto(f"/campaigns/{state}/{slug}/lead/")
    _sign_up(laptop, address)
    laptop.get_by_role("heading", name="Check your email").wait_for()

    link = make_run.link_to(address)
    # Point 1 and 2: the development server's own scheme and port.
    assert link.startswith(make_run.origin + "/"), link

    phone = new_context()
    phone.goto(link)
    phone.get_by_role("button", name="Confirm my email").click()
    phone.locator("input[name=login]").fill(address)
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form button[type=submit]").click()

    phone.get_by_role(
        "heading", name=re.compile(f"Become a Leader in {re.escape(name)}")
    ).wait_for()
    assert phone.url.startswith(f"{make_run.origin}/campaigns/{state}/{slug}/lead/")
    for promise in ("promote", "gather", "deliver"):
        phone.locator(f"input[name={promise}]").check()
    phone.locator("input[name=public_name]").fill("María")
    phone.get_by_role("button", name="Become a Leader").click()
    phone.wait_for_url(f"**/campaigns/{state}/{slug}/dashboard/**")


def test_account_email_subject_names_the_site(make_run, campaigns, new_context):
    state, slug, _name = next(campaigns)
    page = new_context()
    page.goto(f"/campaigns/{state}/{slug}/lead/")
    _sign_up(page, "ana@example.org")
    page.get_by_role("heading", name="Check your email").wait_for()

    message = make_run.emails_to("ana@example.org")[-1]
    assert message["Subject"] == "[End 287(g)] Confirm your email address"
    assert "127.0.0.1" not in message["Subject"]


def test_spanish_sign_up_names_the_county_and_the_email_speaks_spanish(
    make_run, campaigns, new_context
):
    state, slug, name = next(campaigns)
    page = new_context()
    page.goto(f"/es/campaigns/{state}/{slug}/lead/")

    page.get_by_role("heading", name="Cree su cuenta").wait_for()
    intro = page.locator("main").inner_text()
    # In Spanish the county is named in Spanish: "el condado de Craighead".
    assert f"el condado de {name.removesuffix(' County')}" in intro
    assert "Django" not in intro and "Your password" not in intro
    assert "al menos 8 caracteres" in intro

    _sign_up(page, "lucia@example.org")
    message = make_run.emails_to("lucia@example.org")[-1]
    assert message["Subject"] == "[End 287(g)] Confirme su correo electrónico"
    assert make_run.link_to("lucia@example.org").startswith(make_run.origin + "/")


def test_sign_up_page_names_the_county_the_next_steps_and_the_password_rule(
    make_run, campaigns, new_context
):
    state, slug, name = next(campaigns)
    page = new_context()
    page.goto(f"/campaigns/{state}/{slug}/lead/")

    page.get_by_role("heading", name="Create your account").wait_for()
    text = page.locator("main").inner_text()
    assert f"to lead the campaign in {name}" in text
    assert "confirm your address" in text
    assert "Use at least 8 characters" in text
    # Django's stock list of rules is gone.
    assert "can’t be too similar" not in text and "can’t be entirely numeric" not in text


def test_site_url_follows_the_port_make_run_serves_on(make_run, new_context):
    state, slug, _name = make_run.open_campaigns(1)[0]
    page = new_context()
    page.goto(f"/campaigns/{state}/{slug}/")

    og_url = page.locator("meta[property='og:url']").get_attribute("content")
    assert og_url == f"{make_run.origin}/campaigns/{state}/{slug}/"
