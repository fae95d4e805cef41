"""The language switch sends people back to a page of this site, never to another host."""

import pytest
from django.urls import reverse

# The ?next= value as an attacker writes it in a link. Each, once its "/es" prefix is removed, is a
# URL a browser reads as another host ("//host", "/\\host", "///host"...).
ATTACKS = [
    "/es//evil.example/x",
    "/es/%5Cevil.example/x",
    "/es/%5C%5Cevil.example/x",
    "https://evil.example/x",
    "//evil.example/x",
    "/es/%2F%2Fevil.example/x",
    "/es///evil.example/x",
    "/es/%09/evil.example/x",
    "/es/%20//evil.example/x",
    "/es%2F%2Fevil.example/x",
]


@pytest.mark.parametrize("code", ["en", "es"])
@pytest.mark.parametrize("next_url", ATTACKS)
def test_language_switch_never_redirects_to_another_host(client, db, code, next_url):
    response = client.get(f"{reverse('choose_language', args=[code])}?next={next_url}")

    # Anything that is not plainly a path on this site goes to the home page in that language.
    assert response.status_code == 302
    assert response["Location"] == ("/es/" if code == "es" else "/")


@pytest.mark.parametrize(
    ("code", "next_url", "expected"),
    [
        ("en", "/es/learn/?q=1", "/learn/?q=1"),
        ("es", "/learn/", "/es/learn/"),
        ("en", "/es/", "/"),
        ("es", "/", "/es/"),
    ],
)
def test_language_switch_still_keeps_the_page(client, db, code, next_url, expected):
    response = client.get(reverse("choose_language", args=[code]), {"next": next_url})

    assert response["Location"] == expected
