"""A tiny SMTP server for tests: accepts mail on a loopback port and keeps each message.

Python 3.12 dropped smtpd and aiosmtpd is not a dependency; this speaks just enough SMTP
(EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for Django's SMTP backend. It counts the
connections opened to it, and can refuse addresses or hang up in the middle of a batch.
"""

import socketserver
import threading
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        with self.server.lock:
            self.server.connections += 1
        self._say("220 sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-sink")
                self._say("250 8BITMIME")
            elif verb == "MAIL":
                rcpt = []
                self._say("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip(" <>")
                if address in self.server.refuse:
                    self._say("550 No such user")
                    continue
                rcpt.append(address)
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if data in (b".\r\n", b".\n", b""):
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                if self.server.hang_up_after is not None:
                    with self.server.lock:
                        if len(self.server.messages) >= self.server.hang_up_after:
                            return  # gone in the middle of a batch: this message is not taken
                message = message_from_bytes(b"".join(chunks), policy=policy.default)
                self.server.messages.append((rcpt, message))
                self._say("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0, *, refuse=(), hang_up_after: int | None = None):
        """`refuse`: addresses answered 550 (unknown user); `hang_up_after`: the server drops
        the connection instead of accepting any message after that many."""
        super().__init__(("127.0.0.1", port), _Handler)
        self.messages: list = []
        self.connections = 0
        self.refuse = set(refuse)
        self.hang_up_after = hang_up_after
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> "SMTPSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
