"""A simulated Discord: it signs interactions with a test Ed25519 key, as Discord's servers do, and
posts them to the real app through Flask's test client. Nothing leaves the process."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

APPLICATION_ID = "100000000000000001"
GUILD_ID = "200000000000000002"
MEDIATOR_DISCORD = "300000000000000003"
YOUNG_DISCORD = "400000000000000004"
STRANGER_DISCORD = "500000000000000005"
EPHEMERAL = 64


class RecordingSender:
    """Stands in for ``issuer.discord.outbound.Sender``: keeps the follow-ups, sends nothing."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict]] = []
        self.arrived = threading.Event()

    def edit_original(self, application_id: str, token: str, body: dict) -> int:
        self.sent.append((application_id, token, body))
        self.arrived.set()
        return 200

    def register(self, *args, **kwargs) -> int:  # pragma: no cover - never called by the app
        raise AssertionError("the app never registers commands by itself")


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


@dataclass
class Discord:
    """One Discord application talking to one Palier endpoint."""

    client: object
    key: Ed25519PrivateKey
    path: str = "/discord/interactions"
    guild_id: str | None = GUILD_ID
    application_id: str = APPLICATION_ID
    sent: list[tuple[str, str]] = field(default_factory=list)  # (timestamp, signature) of each request
    count: int = 0

    def post(
        self,
        payload: dict,
        *,
        timestamp: int | None = None,
        key=None,
        signature: str | None = None,
        body: bytes | None = None,
        headers: dict | None = None,
    ):
        raw = body if body is not None else json.dumps(payload).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature if signature is not None else (key or self.key).sign(stamp.encode() + raw).hex()
        self.sent.append((stamp, sig))
        extra = {"X-Signature-Ed25519": sig, "X-Signature-Timestamp": stamp, **(headers or {})}
        return self.client.post(self.path, data=raw, content_type="application/json", headers=extra)

    def replay(self, payload: dict, stamp: str, sig: str):
        """The very same request again (same timestamp, same signature)."""
        raw = json.dumps(payload).encode()
        headers = {"X-Signature-Ed25519": sig, "X-Signature-Timestamp": stamp}
        return self.client.post(self.path, data=raw, content_type="application/json", headers=headers)

    def _base(self, kind: int, user: str, data: dict | None = None) -> dict:
        self.count += 1  # each interaction has its own id, as on Discord
        body = {"id": str(900 + self.count), "application_id": self.application_id, "type": kind, "token": f"tok-{user}-{kind}",
                "version": 1, "member": {"user": {"id": user, "username": "x"}, "permissions": "0"},
                "data": data or {}}  # fmt: skip
        if self.guild_id is not None:
            body["guild_id"] = self.guild_id
        return body

    def ping(self) -> dict:
        return {"id": "1", "application_id": self.application_id, "type": 1, "token": "t", "version": 1}

    def slash(self, user: str, name: str, **options) -> dict:
        opts = [{"name": k, "type": 6 if k == "jeune" else 3, "value": v} for k, v in options.items()]
        return self._base(2, user, {"id": "1", "name": name, "type": 1, "options": opts})

    def autocomplete(self, user: str, typed: str, young: str | None = None) -> dict:
        opts = [{"name": "competence", "type": 3, "value": typed, "focused": True}]
        if young is not None:
            opts.insert(0, {"name": "jeune", "type": 6, "value": young})
        return self._base(4, user, {"id": "1", "name": "reconnaitre", "type": 1, "options": opts})

    def user_entry(self, user: str, target: str) -> dict:
        return self._base(
            2, user, {"id": "2", "name": "Reconnaître une compétence", "type": 2, "target_id": target}
        )

    def select(self, user: str, custom_id: str, value: str) -> dict:
        return self._base(3, user, {"custom_id": custom_id, "component_type": 3, "values": [value]})

    def modal_submit(self, user: str, custom_id: str, observation: str, game: str = "") -> dict:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": "observation", "value": observation}]},
                {"type": 1, "components": [{"type": 4, "custom_id": "jeu", "value": game}]}]  # fmt: skip
        return self._base(5, user, {"custom_id": custom_id, "components": rows})


def ephemeral_text(resp) -> str:
    """The words of an answer, checking that only the one who typed sees them and nobody is mentioned."""
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["type"] == 4, body
    assert body["data"]["flags"] == EPHEMERAL
    assert body["data"]["allowed_mentions"] == {"parse": []}
    return body["data"]["content"]
