"""The bench's mail provider (bench/smtp_sink.py) records what the email delay is measured from:
one line per connection and one per recipient, with the time each message was taken."""

import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

from bench.run import percentile
from bench.stack import ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "no-reply@example.org"
    message["To"] = to
    message["Subject"] = "Confirm"
    message.set_content("A link")
    return message


def test_the_sink_records_each_connection_and_each_recipients_arrival(tmp_path):
    port, arrivals = _free_port(), tmp_path / "arrivals.txt"
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port), str(arrivals)]
        + ["--connect-ms", "0", "--message-ms", "50"]
    )
    try:
        for _ in range(50):
            try:
                connection = smtplib.SMTP("127.0.0.1", port, timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        before = time.time()
        with connection:
            for n in range(3):
                connection.send_message(_message(f"signer{n}@example.org"))
        after = time.time()
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    lines = [line.split() for line in arrivals.read_text().splitlines()]
    assert [line[0] for line in lines] == ["C", "M", "M", "M"]
    assert [line[2] for line in lines[1:]] == [f"signer{n}@example.org" for n in range(3)]
    stamps = [float(line[1]) for line in lines[1:]]
    assert before <= stamps[0] <= stamps[1] <= stamps[2] <= after
    # Each message waits its 50 ms before the sink takes it, as a provider's would.
    assert stamps[2] - before >= 0.15


def test_a_missing_email_counts_as_later_than_any_arrival():
    delays = [1.0] * 94 + [float("inf")] * 6
    assert percentile(delays, 0.50) == 1.0
    assert percentile(delays, 0.95) == float("inf")
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
