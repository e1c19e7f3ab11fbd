"""Shared helpers for the Open Badges 3.0 tests: one structure, two keys, a fake issuer's records."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from badges import LookupUnavailable, ob3

VECTORS = Path(__file__).resolve().parents[1] / "ob3_vectors"
HOST = "badges.example.fr"
DID = f"did:web:{HOST}:s:club-manette"
OTHER_DID = f"did:web:{HOST}:s:autre-club"
KEY_1 = bytes(range(1, 33))  # fixed seeds: reproducible documents, no key generation per test
KEY_2 = bytes(range(101, 133))
VM_1 = ob3.verification_method_id(DID, ob3.public_key_of(KEY_1))
VM_2 = ob3.verification_method_id(DID, ob3.public_key_of(KEY_2))
STATUS_URL = f"https://{HOST}/s/club-manette/statuts/1"
ISSUED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
NOW = ISSUED + timedelta(days=30)
EMAIL = "lea.martin@example.org"
LEARNER_ID = "apprenant-7f3a"


def vector() -> dict[str, Any]:
    return json.loads((VECTORS / "1edtech-ob3-eddsa-rdfc-2022.json").read_text("utf-8"))


def schema() -> dict[str, Any]:
    return json.loads((VECTORS / "ob_v3p0_achievementcredential_schema.json").read_text("utf-8"))


def issuer() -> dict[str, Any]:
    return ob3.issuer_profile(id=DID, name="Club Manette", url="https://club-manette.example.fr")


def achievement(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        id=f"https://{HOST}/s/club-manette/badges/entraide/1",
        name="Entraide",
        description="Aide ses coéquipiers à progresser.\nMême en défaite.",
        criteria_narrative="A expliqué une stratégie à un joueur débutant.",
        criteria_url=f"https://{HOST}/s/club-manette/badges/entraide/1/criteres",
        image=f"https://{HOST}/s/club-manette/badges/entraide/1/image.png",
        alignments=[
            ob3.Alignment(
                target_name="Coopérer",
                target_url="https://ref.example.fr/c1",
                target_framework="Référentiel",
                target_code="C1",
            )
        ],
        tags=["coopération", "jeu en équipe"],
        tier=2,
    )
    values.update(overrides)
    return ob3.achievement(**values)


def identifier(email: bool = True) -> dict[str, Any]:
    if email:
        return ob3.hashed_identifier(EMAIL, salt="sel-de-test-1")
    return ob3.hashed_identifier(LEARNER_ID, "identifier", salt="sel-de-test-2")


def credential(
    index: int = 5,
    *,
    email: bool = True,
    key: bytes = KEY_1,
    vm: str = VM_1,
    sign: bool = True,
    **overrides: Any,
) -> dict[str, Any]:
    values: dict[str, Any] = dict(
        id=f"urn:uuid:6f1c2a3b-0000-4000-8000-{index:012d}",
        issuer=issuer(),
        achievement=achievement(),
        identifier=identifier(email),
        valid_from=ISSUED,
        credential_status=ob3.status_entry(STATUS_URL, index),
        evidence=[ob3.Evidence(narrative="A mené l'équipe en finale.")],
    )
    values.update(overrides)
    doc = ob3.open_badge_credential(**values)
    return ob3.sign_credential(doc, key, verification_method=vm, created=ISSUED) if sign else doc


def status_list(
    revoked: tuple[int, ...] = (), *, key: bytes = KEY_2, vm: str = VM_2, **overrides: Any
) -> dict[str, Any]:
    bits = ob3.new_bitstring()
    for index in revoked:
        ob3.set_bit(bits, index)
    values: dict[str, Any] = dict(id=STATUS_URL, issuer=DID, bits=bits, valid_from=ISSUED)
    values.update(overrides)
    return ob3.sign_credential(
        ob3.status_list_credential(**values), key, verification_method=vm, created=ISSUED
    )


@dataclass
class Records:
    """The issuer's records as the app would answer: its DIDs, keys (current and retired), lists."""

    keys: dict[str, bytes] = field(default_factory=lambda: {VM_1: KEY_1, VM_2: KEY_2})
    lists: dict[str, Any] = field(default_factory=lambda: {STATUS_URL: status_list()})
    dids: tuple[str, ...] = (DID,)
    down: bool = False
    asked: list[tuple[str, str]] = field(default_factory=list)

    def _check(self, what: str, value: str) -> None:
        self.asked.append((what, value))
        if self.down:
            raise LookupUnavailable("base indisponible")

    def owns(self, issuer_id: str) -> bool:
        self._check("owns", issuer_id)
        return issuer_id in self.dids

    def public_key(self, verification_method: str):
        self._check("public_key", verification_method)
        seed = self.keys.get(verification_method)
        return None if seed is None else ob3.public_key_multibase(ob3.public_key_of(seed))

    def status_list(self, url: str):
        self._check("status_list", url)
        found = self.lists.get(url)
        return copy.deepcopy(found)
