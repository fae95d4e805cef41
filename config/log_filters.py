"""Logging filters: what must never reach a log line, whatever logged it."""

import logging
import re

# A signer's email links carry a token that confirms, withdraws or unsubscribes: whoever reads it
# can act as the signer. Django puts the path in "Internal Server Error: …", and a request's repr
# (the path again) can turn up in a traceback's text.
LINK_TOKEN = re.compile(r"/(confirm|withdraw|unsubscribe)/[^/\s'\"]+")


def redact(text: str) -> str:
    return LINK_TOKEN.sub(r"/\1/[token]", text)


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if (redacted := redact(message)) != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set: format the traceback once, redacted.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
