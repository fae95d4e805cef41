"""The bench's mail provider: an SMTP server on loopback as slow as a real one, recording arrivals.

`python bench/smtp_sink.py PORT ARRIVALS_FILE [--connect-ms 300] [--message-ms 100]`

A provider (TLS, authentication, its own queueing) takes a few hundred milliseconds to greet a new
connection and about 50-200 ms to accept each message. This server waits `--connect-ms` before
its greeting and `--message-ms` before accepting each message, serves any number of connections
at once (asyncio), and appends one line per event to ARRIVALS_FILE:
`C <unix time>` for a connection, `M <unix time> <recipient>` for each recipient of a message.
"""

import argparse
import asyncio
import time


class Sink:
    def __init__(self, out, connect_s: float, message_s: float):
        self.out = out
        self.connect_s = connect_s
        self.message_s = message_s

    def record(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.record(f"C {time.time():.6f}")

        async def say(line: str) -> None:
            writer.write((line + "\r\n").encode())
            await writer.drain()

        try:
            await asyncio.sleep(self.connect_s)
            await say("220 bench-sink ESMTP")
            rcpt: list[str] = []
            while line := await reader.readline():
                verb = line[:4].decode(errors="replace").upper()
                if verb in ("EHLO", "HELO"):
                    await say("250-bench-sink")
                    await say("250 8BITMIME")
                elif verb == "MAIL":
                    rcpt = []
                    await say("250 OK")
                elif verb == "RCPT":
                    rcpt.append(line.decode(errors="replace").split(":", 1)[1].strip(" <>\r\n"))
                    await say("250 OK")
                elif verb == "DATA":
                    await say("354 End data with <CR><LF>.<CR><LF>")
                    while await reader.readline() not in (b".\r\n", b".\n", b""):
                        pass  # the message itself is not kept: its arrival is what counts
                    await asyncio.sleep(self.message_s)
                    now = time.time()
                    for address in rcpt:
                        self.record(f"M {now:.6f} {address}")
                    await say("250 OK queued")
                elif verb in ("RSET", "NOOP"):
                    await say("250 OK")
                elif verb == "QUIT":
                    await say("221 Bye")
                    break
                else:
                    await say("502 Command not implemented")
        except ConnectionError:
            pass
        finally:
            writer.close()


async def serve(port: int, arrivals: str, connect_s: float, message_s: float) -> None:
    with open(arrivals, "a") as out:
        sink = Sink(out, connect_s, message_s)
        server = await asyncio.start_server(sink.handle, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("arrivals")
    parser.add_argument("--connect-ms", type=float, default=300)
    parser.add_argument("--message-ms", type=float, default=100)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.arrivals, args.connect_ms / 1000, args.message_ms / 1000))


if __name__ == "__main__":
    main()
