"""Palier's only calls to Discord: replacing a deferred answer, and (from the command line) registering
the commands. Always to discord.com, on paths built from ids Palier checked; tests replace ``Sender``."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import quote

from .interactions import snowflake

API = "https://discord.com/api/v10"
TIMEOUT = 10


class Sender:
    """Sends JSON to Discord's API; the one place that opens a connection."""

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str] | None = None) -> int:
        request = urllib.request.Request(
            API + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "User-Agent": "Palier (badges)", **(headers or {})},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            status: int = answer.status
            return status

    def edit_original(self, application_id: str, token: str, body: dict[str, Any]) -> int:
        """Replace a deferred answer (« Palier réfléchit… ») with the real one, through the webhook."""
        app = snowflake(application_id)
        if app is None or not token:
            raise ValueError("not a Discord application id or interaction token")
        return self._send("PATCH", f"/webhooks/{app}/{quote(token, safe='')}/messages/@original", body)

    def register(self, application_id: str, bot_token: str, commands: list[dict[str, Any]]) -> int:
        """Replace the application's global commands with ``commands``."""
        app = snowflake(application_id)
        if app is None:
            raise ValueError("not a Discord application id")
        return self._send(
            "PUT", f"/applications/{app}/commands", commands, {"Authorization": f"Bot {bot_token}"}
        )
