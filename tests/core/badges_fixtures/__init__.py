"""Shared helpers for the badges tests: one RSA key per session, a fake issuer, sample images."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from PIL import Image

import badges
from badges import StoredAssertion

BASE = "https://palier.example"
ISSUER_ID = f"{BASE}/issuer"
KEY_ID = f"{BASE}/keys/1"
OLD_KEY_ID = f"{BASE}/keys/0"
BADGE_ID = f"{BASE}/badges/cooperation"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ISSUED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
EMAIL = "Lea.Martin@Example.org"


_KEYS: dict[int, bytes] = {}


def rsa_key(number: int = 0) -> bytes:
    """Private PEM number n, generated once per test session (RSA-3072 generation is slow)."""
    if number not in _KEYS:
        _KEYS[number] = badges.generate_private_key()
    return _KEYS[number]


def public_pem(number: int = 0) -> str:
    """Public PEM of rsa_key(number)."""
    return badges.public_key_pem(rsa_key(number))


@cache
def png_image() -> bytes:
    """A small valid PNG, with a tEXt comment chunk so chunk order matters."""
    out = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Palier")
    Image.new("RGBA", (8, 8), (30, 120, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


SVG_IMAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<!-- médaille --><circle cx="5" cy="5" r="4" fill="#1e78c8"/></svg>'
)


def hosted_assertion(
    number: int = 1,
    *,
    expires: datetime | None = None,
    narrative: str | None = "A aidé son équipe à finir le niveau.",
) -> dict:
    """A hosted assertion of the cooperation badge, awarded to EMAIL."""
    return badges.assertion(
        id=f"{BASE}/assertions/{number}",
        badge=BADGE_ID,
        recipient=badges.hash_recipient(EMAIL, salt=f"sel-{number}"),
        issued_on=ISSUED,
        verification=badges.hosted_verification(),
        expires=expires,
        evidence=[badges.Evidence("Partie du 12 mars : rôle de soutien.", name="Partie")],
        narrative=narrative,
    )


def signed_twin(document: dict, key_id: str = KEY_ID) -> dict:
    """The signed twin of a hosted assertion: same content, SignedBadge verification."""
    return {**document, "verification": badges.signed_verification(key_id)}


@dataclass
class FakeIssuer:
    """An in-memory Lookup: records, keys, and a switch that simulates a database outage."""

    records: dict[str, StoredAssertion] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    down: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def _check(self, name: str, arg: str) -> None:
        self.calls.append((name, arg))
        if self.down:
            raise badges.LookupUnavailable("base de données indisponible")

    def owns(self, url: str) -> bool:
        """Ids under BASE are ours."""
        self._check("owns", url)
        return url.startswith(BASE + "/")

    def find_assertion(self, assertion_id: str) -> StoredAssertion | None:
        """Look a record up by id."""
        self._check("find_assertion", assertion_id)
        return self.records.get(assertion_id)

    def public_key(self, key_id: str) -> str | None:
        """Look a key up by id."""
        self._check("public_key", key_id)
        return self.keys.get(key_id)

    def issue(
        self,
        document: dict,
        key_number: int = 0,
        key_id: str = KEY_ID,
        *,
        revoked: bool = False,
        reason: str | None = None,
    ) -> str:
        """Record a hosted assertion and its signed twin; return the JWS."""
        self.keys.setdefault(key_id, public_pem(key_number))
        token = badges.sign_assertion(signed_twin(document, key_id), rsa_key(key_number))
        self.records[document["id"]] = StoredAssertion(
            id=document["id"],
            document=document,
            jws=token,
            key_id=key_id,
            revoked=revoked,
            revocation_reason=reason,
        )
        return token
