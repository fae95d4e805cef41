"""One helper renders every email: a subject on one line and a body, in the reader's language."""

from config.mail import render_email


def test_an_email_is_rendered_in_the_language_asked_with_a_one_line_subject():
    context = {"drift": ["Galveston County, TX: counted 3 → 7"]}

    subject, body = render_email("petitions/email/recount_drift", "es", context)

    assert subject == "Signature recount fixed drift in 1 campaign"
    assert "- Galveston County, TX: counted 3 → 7\n" in body
