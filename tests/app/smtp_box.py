"""A real SMTP server for tests: aiosmtpd in a thread on 127.0.0.1, on a free port, keeping what it gets."""

from __future__ import annotations

import re
import socket
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Mailbox:
    """Every message the test server accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages, once at least ``count`` arrived."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} message(s) arrived, {count} expected"
        return self.messages

    def config(self) -> dict:
        """Palier's settings that send through this server."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_FROM": "badges@structure.test"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server():
    """Run the test SMTP server for the duration of the block."""
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def link_in(message: EmailMessage, base: str) -> str:
    """The confirmation link a message carries."""
    body = message.get_body(("plain",)).get_content()
    found = re.search(re.escape(base) + r"/sac-a-badges/[A-Za-z0-9_-]+", body)
    assert found, body
    return found.group(0)
