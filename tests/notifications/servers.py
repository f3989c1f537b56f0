"""Servers the notification tests send to, inside the test process, on loopback.

`SmtpServer`: a real SMTP server (aiosmtpd) that keeps every message it accepts, and can be told
to refuse (a 451 to every message) to test retries. `NotifyServer`: an HTTP server answering as
GOV.UK Notify's API does for POST /v2/notifications/email (201 with the notification's id, or
the status and error body it is told to give), keeping every request it receives.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def kind(self) -> str:
        return str(self.message["X-Portal-Notification"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 Requested action aborted: try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        # aiosmtpd checks the server is up by connecting to the port it was given: a free one.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def refuse(self, refusing: bool = True) -> None:
        self.handler.refuse = refusing

    def to(self, address: str) -> list[Received]:
        return [m for m in self.received if address in m.recipients]

    def who_got(self, kind: str) -> list[str]:
        """The addresses that got this kind of email, sorted, once per email."""
        return sorted(r for m in self.received if m.kind == kind for r in m.recipients)


class NotifyServer:
    """Answers POST /v2/notifications/email with `status` (201 unless told otherwise)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 201
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(
                    {"path": self.path, "authorization": self.headers.get("Authorization", ""), "json": body}
                )
                if server.status == 201:
                    answer = {
                        "id": str(uuid.uuid4()),
                        "reference": body.get("reference"),
                        "content": {"subject": body["personalisation"]["subject"], "body": "..."},
                        "template": {"id": body["template_id"], "version": 1, "uri": "..."},
                        "uri": "...",
                    }
                else:
                    errors = {
                        400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
                        403: ("AuthError", "Invalid token: API key not found"),
                        429: (
                            "RateLimitError",
                            "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
                        ),
                        500: ("Exception", "Internal server error"),
                    }
                    error, message = errors.get(server.status, ("Exception", "Error"))
                    answer = {"status_code": server.status, "errors": [{"error": error, "message": message}]}
                data = json.dumps(answer).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> NotifyServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"
