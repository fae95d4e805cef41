"""Email from background tasks: rendered one way, and when the mail server is down, the task is
tried again later.

Every task that sends mail goes through `send_or_retry` (one message) or `send_batch_or_retry`
(many over one connection), so a signer's confirmation and a leader's reminder survive the same
outage the same way. Logs carry task names and ids only.
"""

import contextlib
import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def render_email(template: str, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) of `template`_subject.txt and `template`.txt in `language`; the subject
    on one line (a header cannot hold a newline)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    return subject, body


def with_unsubscribe(subject: str, body: str, *, to: str, unsubscribe_url: str) -> EmailMessage:
    """A message its reader can stop from the mail app: List-Unsubscribe with one-click POST
    (RFC 8058), the link the body also carries."""
    return EmailMessage(
        subject,
        body,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4 … minutes, at most six hours between tries."""
    return timedelta(minutes=min(2 ** (attempt - 1), 360))


def send_or_retry(message: EmailMessage, task_obj, attempt: int, **kwargs) -> bool:
    """Send, or enqueue `task_obj(attempt=attempt + 1, **kwargs)` for later; True when sent.

    `kwargs` are the task's own arguments (ids), so the retry rebuilds the message from the
    database as it is then.
    """
    try:
        message.send()
    except OSError as exc:  # smtplib.SMTPException is an OSError
        _retry_later(task_obj, attempt, exc, (), kwargs)
        return False
    return True


# The server refused this one message and reset the session (smtplib sends RSET): the connection
# still carries the rest of a batch.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_batch_or_retry(messages: dict[int, EmailMessage], task_obj, attempt: int) -> list[int]:
    """Send `messages` (id -> message) over ONE connection; returns the ids sent.

    A provider costs a TLS handshake per connection and a round trip or more per message: at a
    surge, one connection per batch instead of one per message is most of the worker's speed.
    What is not sent (the server down, or gone in the middle of the batch; a message it refused)
    is retried later as one task, `task_obj(*unsent_ids, attempt=attempt + 1)`: only the unsent,
    so nobody gets the same email twice from a retry.
    """
    sent: list[int] = []
    unsent: list[int] = []
    failure: OSError | None = None
    connection = mailers.default
    try:
        connection.open()
        for key, message in messages.items():
            if failure is not None and not isinstance(failure, REFUSED):
                unsent.append(key)  # the connection is gone: the rest waits for the retry
                continue
            try:
                connection.send_messages([message])
            except OSError as exc:  # smtplib.SMTPException is an OSError
                failure = exc
                unsent.append(key)
            except ValueError:  # an address no server takes: a retry would fail the same way
                logger.error("%s cannot send to the address of %s", task_obj.name, key)
            else:
                sent.append(key)
    except OSError as exc:  # could not connect at all
        failure = exc
        unsent = [key for key in messages if key not in sent]
    finally:
        with contextlib.suppress(OSError):  # the server went away: what it accepted is sent
            connection.close()
    if unsent:
        _retry_later(task_obj, attempt, failure, unsent, {})
    return sent


def _retry_later(task_obj, attempt: int, exc: OSError | None, args, kwargs) -> None:
    """Enqueue `task_obj(*args, attempt=attempt + 1, **kwargs)` after a growing delay, or log why not."""
    ids = list(args) or kwargs
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s gave up after %s attempts (%s)", task_obj.name, attempt, ids)
        return
    if not task_obj.get_backend().supports_defer:
        # The immediate backend (development, tests) would retry in a tight loop.
        logger.warning(
            "%s failed (%s) and this task backend cannot retry later (%s)",
            task_obj.name,
            type(exc).__name__,
            ids,
        )
        return
    logger.warning(
        "%s failed (%s), attempt %s, retrying (%s)",
        task_obj.name,
        type(exc).__name__,
        attempt,
        ids,
    )
    task_obj.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
        *args, attempt=attempt + 1, **kwargs
    )


class ConsoleBackend(DjangoConsoleBackend):
    """Development email, printed so a person can click it: the headers that matter and the text
    body decoded. Django's console prints the wire format, quoted-printable, which cuts a long
    confirmation link in two with a "=" at the break, so the link copied from the terminal
    fails. Attachments are named, not printed."""

    HEADERS = ("Subject", "From", "To", "Date", "List-Unsubscribe", "List-Unsubscribe-Post")

    def write_message(self, message):
        msg = message.message()
        lines = ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"]
        lines += [f"{name}: {msg[name]}" for name in self.HEADERS if msg[name]]
        body, attachments = "", []
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                attachments.append(part.get_filename())
            elif part.get_content_type() == "text/plain" and not body:
                body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        lines += ["", body.rstrip("\n")]
        lines += [f"[attachment: {name}]" for name in attachments]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
