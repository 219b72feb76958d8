"""A real SMTP server inside the test process (aiosmtpd), for the alerts' tests (not a test module)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler keeping every accepted message (parsed), or refusing each one when `refuse` is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "554 5.6.0 refused by the test"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class LocalSMTP(Controller):
    """aiosmtpd's Controller on 127.0.0.1, port 0 meaning a free port (1.4.6 would probe port 0 itself)."""

    def __init__(self, handler: Inbox, port: int = 0) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=port)

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]  # the port the OS chose
        super()._trigger_server()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def attachments(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    return [(part.get_content_type(), part.get_filename(), part.get_payload(decode=True))
            for part in message.iter_attachments()]
