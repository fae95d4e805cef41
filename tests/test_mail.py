"""One helper renders every email: a subject on one line and a body, in the reader's language."""

from config.mail import render_email


def test_an_email_is_rendered_in_the_language_asked_with_a_one_line_subject():
    context = {"drift": ["Galveston County, TX: counted 3 → 7"]}

    subject, body = render_email("petitions/email/recount_drift", "es", context)

    assert subject == "Signature recount fixed drift in 1 campaign"
    assert "- Galveston County, TX: counted 3 → 7\n" in body


def test_development_email_prints_a_long_link_whole_and_the_text_readable():
    # make run's email goes to the terminal, and a newcomer clicks the link there: Django's
    # console printed quoted-printable, which cut long links in two with "=".
    import io

    from django.core.mail import EmailMessage

    from config.mail import ConsoleBackend

    link = "http://127.0.0.1:8765/confirm/" + "a" * 40 + ":1xZeAn:" + "b" * 60 + "/"
    message = EmailMessage(
        "Confirme su firma", f"Señora López, abra este enlace:\n\n{link}\n", to=["ana@example.org"]
    )
    message.attach("delivery.ics", b"BEGIN:VCALENDAR", "text/calendar")
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert link in printed.splitlines()
    assert "Señora López" in printed
    assert "Subject: Confirme su firma" in printed
    assert "[attachment: delivery.ics]" in printed
