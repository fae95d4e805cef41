"""Arbitrary input at every public form that writes, and raw bytes at every public parameter.

Text, raw bytes (invalid UTF-8, lone surrogates as their bytes, NUL), 100,000-character values and
odd unicode (bidi controls, combining marks, emoji sequences, fullwidth and Arabic-Indic digits).
The answer is always a page with a clear message or a success, never a 500 (the test client
re-raises any exception), and a refused form leaves nothing in the database.
"""

from urllib.parse import quote_from_bytes

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaigns.models import Campaign, CampaignStatus, Leadership
from petitions import tokens
from petitions.models import Signature, email_key
from tests.factories import CampaignFactory, SignatureFactory, UserFactory

ODD = [
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e",  # RTL / LTR marks
    "e\u0301" * 40,  # combining acute accents
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357" * 10,  # stacked combining marks
    "👩🏽‍🌾👨‍👩‍👧‍👦🏳️‍🌈",
    "\ufeffname",  # byte order mark
    "line\u2028break\u2029",
    "７７５５０",  # fullwidth digits
    "٧٧٥٥٠",  # Arabic-Indic digits
    "77550\n",
    "ana@example.org\r\nBcc: x@example.org",  # header injection
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "{{ request }}",
    "ana@exämple.org",
    "ana@[127.0.0.1]",
    "@",
    "",
    " ",
]
HUGE = st.sampled_from(["x", "é", "👍", "\u0301", "7", "@"]).map(lambda c: c * 100_000)
TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(ODD),
    HUGE,
    st.binary(max_size=200),  # raw bytes, often not UTF-8
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=5),  # surrogates
)
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# GETs are cheap but many per example: fewer examples keep the file's run under a minute.
FEWER = settings(HYPOTHESIS, max_examples=40)


def _bytes(value) -> bytes:
    # Lone surrogates cannot be UTF-8: send the bytes a careless client would (ED A0 80 ...).
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def _body(fields: dict) -> bytes:
    """A urlencoded body built by hand, so any byte can be in it."""
    return "&".join(
        f"{quote_from_bytes(_bytes(k))}={quote_from_bytes(_bytes(v))}" for k, v in fields.items()
    ).encode()


def _post(client, url, fields, **extra):
    for cache in caches.all():
        cache.clear()  # rate limits (their own cache): every example is a first try
    return client.post(
        url, _body(fields), content_type="application/x-www-form-urlencoded", **extra
    )


def _either(valid, nasty=TEXT):
    return st.one_of(st.just(valid), nasty)


def _decoded(value) -> str:
    return _bytes(value).decode("utf-8", "replace")


@pytest.fixture
def campaign(db):
    return CampaignFactory()


SIGN_FIELDS = st.fixed_dictionaries(
    {
        "name": _either("Ana María López"),
        "email": _either("ana@example.org"),
        "zip_code": _either("77550"),
    },
    optional={
        "visibility": _either("full_name"),
        "keep_updated": _either("on"),
        "website": st.one_of(st.just(""), TEXT),
        "src": _either("whatsapp"),
    },
)


@HYPOTHESIS
@given(fields=SIGN_FIELDS)
def test_sign_answers_clearly_and_writes_only_what_it_accepts(campaign, fields):
    before = Signature.objects.count()
    response = _post(Client(), f"{campaign.get_absolute_url()}sign/", fields)
    event(f"sign answered {response.status_code}")
    assert response.status_code in (303, 400), response.status_code
    if response.status_code == 400:
        assert "Please fix the following" in response.content.decode()
        assert Signature.objects.count() == before
        return
    assert response["Location"].endswith("/signed/")
    if _decoded(fields.get("website", "")).strip():
        assert Signature.objects.count() == before  # honeypot: looks signed, nothing written
    else:
        key = email_key(_decoded(fields["email"]))
        assert Signature.objects.filter(campaign=campaign, email_key=key).count() == 1
        assert Signature.objects.count() - before in (0, 1)


CLAIM_FIELDS = st.fixed_dictionaries(
    {"public_name": _either("Rosa G.")},
    optional={
        "promote": _either("on"),
        "gather": _either("on"),
        "deliver": _either("on"),
        "website": st.one_of(st.just(""), TEXT),
    },
)


@HYPOTHESIS
@given(fields=CLAIM_FIELDS)
def test_claim_answers_clearly_and_makes_a_leader_only_when_it_says_so(campaign, fields):
    client = Client()
    client.force_login(UserFactory())
    response = _post(client, f"{campaign.get_absolute_url()}lead/", fields)
    event(f"claim answered {response.status_code}")
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"].endswith("/dashboard/")
        assert Leadership.objects.filter(campaign=campaign, ended_at=None).count() == 1
        # Open the campaign again for the next example.
        Leadership.objects.all().delete()
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
    else:
        assert "Please fix the following" in response.content.decode()
        assert not Leadership.objects.exists()


SIGNUP_FIELDS = st.fixed_dictionaries(
    {
        "email": _either("rosa@example.org"),
        "password1": _either("a-long-pass-9431"),
        "password2": _either("a-long-pass-9431"),
    },
    optional={"website": st.one_of(st.just(""), TEXT), "next": TEXT},
)


@HYPOTHESIS
@given(fields=SIGNUP_FIELDS)
def test_signup_answers_clearly_and_creates_an_account_only_on_success(db, fields):
    users = get_user_model().objects
    before = users.count()
    response = _post(Client(), "/accounts/signup/", fields)
    event(f"signup answered {response.status_code}")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert "Please fix the following" in response.content.decode()
        assert users.count() == before
    else:
        assert users.count() - before in (0, 1)
        users.all().delete()  # the next example may use the same address


LOGIN_FIELDS = st.fixed_dictionaries(
    {"login": _either("leader@example.org"), "password": _either("a-long-test-password-1")},
    optional={"next": TEXT, "remember": TEXT},
)


@HYPOTHESIS
@given(fields=LOGIN_FIELDS)
def test_login_answers_clearly_and_logs_in_only_with_the_right_password(db, fields):
    if not get_user_model().objects.exists():
        UserFactory(email="leader@example.org")
    client = Client()
    response = _post(client, "/accounts/login/", fields)
    event(f"login answered {response.status_code}")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert "Please fix the following" in response.content.decode()
        assert "_auth_user_id" not in client.session
    else:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith("//")


@FEWER
@given(token=st.one_of(st.text(min_size=1, max_size=300), HUGE), post=st.booleans())
def test_email_links_with_any_token_answer_a_clear_page(campaign, token, post):
    pending = SignatureFactory(campaign=campaign, status="pending")
    for kind in ("confirm", "withdraw", "unsubscribe"):
        url = f"/{kind}/{quote_from_bytes(_bytes(token), safe='')}/"
        client = Client()
        response = _post(client, url, {}) if post else client.get(url)
        assert response.status_code in (400, 404, 410), (kind, response.status_code)
    pending.refresh_from_db()
    assert pending.status == "pending"
    real = tokens.confirm_token(pending.uid)
    assert Client().get(f"/confirm/{real}/").status_code == 200


RAW_QUERY = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(ODD).map(_bytes),
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=5).map(_bytes),
    HUGE.map(_bytes),
)


@FEWER
@given(raw=RAW_QUERY)
def test_every_public_parameter_takes_raw_bytes(campaign, raw):
    value = quote_from_bytes(raw, safe="")
    for path, expected in (
        (f"/search/?q={value}", {200}),
        (f"/campaigns/?state={value}&open={value}", {200}),
        (f"{campaign.get_absolute_url()}?src={value}", {200}),
        (f"/lang/es/?next={value}", {302}),
        (f"/accounts/login/?next={value}", {200}),
        (f"/accounts/signup/?next={value}", {200}),
    ):
        response = Client().get(path)  # a fresh visitor: no language cookie from /lang/
        assert response.status_code in expected, (path[:80], response.status_code)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//")
    assert not Signature.objects.exists()
