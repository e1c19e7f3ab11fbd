"""Sending e-mail through the SMTP server of ``PALIER_SMTP_*``: the one module that imports smtplib.

Palier sends mail to no one but the addresses young people attach themselves, and only through the
configured server: with no ``SMTP_HOST``, nothing is sent and the pages say so.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

TIMEOUT = 15  # seconds for the whole exchange with the SMTP server


class MailError(Exception):
    """The message could not be handed to the SMTP server."""


def configured(config: Mapping[str, Any]) -> bool:
    """Whether an SMTP server (and a sender address) is configured."""
    return bool(config.get("SMTP_HOST")) and bool(config.get("SMTP_FROM"))


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "oui", "on")
    return bool(value)


def send(config: Mapping[str, Any], to: str, subject: str, body: str) -> None:
    """Send one plain-text message in French to ``to``; raise ``MailError`` when it cannot be sent."""
    if not configured(config):
        raise MailError("aucun serveur SMTP configuré")
    message = EmailMessage()
    sender = str(config["SMTP_FROM"])
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = "fr"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    host = str(config["SMTP_HOST"])
    starttls = _flag(config.get("SMTP_STARTTLS", False))
    port = int(config.get("SMTP_PORT") or (587 if starttls else 25))
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            user = config.get("SMTP_USER")
            if user:
                smtp.login(str(user), str(config.get("SMTP_PASSWORD") or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(str(exc)) from exc
