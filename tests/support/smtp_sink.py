"""A tiny real SMTP server on 127.0.0.1 for tests (no `smtpd`, which is deprecated; aiosmtpd is not installed).

It speaks enough RFC 5321 for smtplib: EHLO/HELO, MAIL, RCPT, DATA (dot-unstuffing), RSET, NOOP, QUIT,
and keeps every accepted message as (mail_from, rcpt_tos, raw bytes).
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class _Handler(socketserver.StreamRequestHandler):
    def _send(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode("ascii"))

    def handle(self) -> None:
        self._send("220 localhost test SMTP sink")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self._send("250-localhost")
                self._send("250-8BITMIME")
                self._send("250 SIZE 1000000")
            elif verb == "HELO":
                self._send("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpts = line.split(":", 1)[1].strip().split(" ")[0].strip("<>"), []
                self._send("250 OK")
            elif verb == "RCPT":
                rcpts.append(line.split(":", 1)[1].strip().strip("<>"))
                self._send("250 OK")
            elif verb == "DATA":
                self._send("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data_line = self.rfile.readline(65536)
                    if not data_line or data_line in (b".\r\n", b".\n"):
                        break
                    if data_line.startswith(b".."):
                        data_line = data_line[1:]
                    chunks.append(data_line)
                self.server.messages.append(Received(mail_from or "", list(rcpts), b"".join(chunks)))
                self._send("250 OK: queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self._send("250 OK")
            elif verb == "NOOP":
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 Bye")
                return
            else:
                self._send("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list = field(default_factory=list)


def start_sink():
    """Start the sink on a free loopback port; returns (sink, stop)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sink = SmtpSink("127.0.0.1", server.server_address[1], server.messages)

    def stop():
        server.shutdown()
        server.server_close()

    return sink, stop
