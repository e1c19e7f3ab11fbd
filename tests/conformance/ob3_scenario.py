"""One structure's Open Badges 3.0 world, for the outside verifiers: keys, DID documents, badges.

Two keys: a credential signed before the rotation (the DID document then lists key 1 only), and
after it (the DID document lists keys 1 and 2; key 1's badges must still verify). Learners with
and without an e-mail address; one badge revoked in the status list; one tampered with.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from badges import ob3

HOST = "badges.example.fr"
DID = f"did:web:{HOST}:s:club-manette"
DID_URL = ob3.did_web_to_url(DID)
STATUS_URL = f"https://{HOST}/s/club-manette/statuts/1"
KEY_1, KEY_2 = bytes(range(1, 33)), bytes(range(101, 133))
PUBLIC_1, PUBLIC_2 = ob3.public_key_of(KEY_1), ob3.public_key_of(KEY_2)
VM_1 = ob3.verification_method_id(DID, PUBLIC_1)
VM_2 = ob3.verification_method_id(DID, PUBLIC_2)
ISSUED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
EMAIL = "lea.martin@example.org"
REVOKED_INDEX = 77


def _achievement() -> dict[str, Any]:
    return ob3.achievement(
        id=f"https://{HOST}/s/club-manette/badges/entraide/1",
        name="Entraide",
        description="Aide ses coéquipiers à progresser.\nMême en défaite.",
        criteria_narrative="A expliqué une stratégie à un joueur débutant.",
        image=f"https://{HOST}/s/club-manette/badges/entraide/1/image.png",
        alignments=[
            ob3.Alignment(
                target_name="Coopérer",
                target_url="https://ref.example.fr/c1",
                target_framework="Référentiel",
                target_code="C1",
            )
        ],
        tags=["coopération"],
        tier=2,
        tier_name="Niveau 2",
    )


def credential(index: int, *, email: bool, key: bytes, vm: str) -> dict[str, Any]:
    identifier = (
        ob3.hashed_identifier(EMAIL) if email else ob3.hashed_identifier(f"apprenant-{index}", "identifier")
    )
    doc = ob3.open_badge_credential(
        id=f"urn:uuid:6f1c2a3b-0000-4000-8000-{index:012d}",
        issuer=ob3.issuer_profile(id=DID, name="Club Manette", url="https://club-manette.example.fr"),
        achievement=_achievement(),
        identifier=identifier,
        valid_from=ISSUED,
        credential_status=ob3.status_entry(STATUS_URL, index),
        evidence=[ob3.Evidence(narrative="A mené l'équipe en finale.")],
    )
    return ob3.sign_credential(doc, key, verification_method=vm, created=ISSUED)


def status_list(key: bytes, vm: str) -> dict[str, Any]:
    bits = ob3.new_bitstring()
    ob3.set_bit(bits, REVOKED_INDEX)
    doc = ob3.status_list_credential(id=STATUS_URL, issuer=DID, bits=bits, valid_from=ISSUED)
    return ob3.sign_credential(doc, key, verification_method=vm, created=ISSUED)


@dataclass(frozen=True)
class Case:
    """One credential, the world it is checked in, and what every verifier must conclude."""

    name: str
    credential: dict[str, Any]
    documents: dict[str, Any]  # URL -> JSON document the verifier may "fetch"
    expect: str  # "valid", "revoked" or "tampered"


def cases() -> list[Case]:
    before = {DID_URL: ob3.did_document(DID, [PUBLIC_1]), STATUS_URL: status_list(KEY_1, VM_1)}
    after = {DID_URL: ob3.did_document(DID, [PUBLIC_1, PUBLIC_2]), STATUS_URL: status_list(KEY_2, VM_2)}
    tampered = credential(12, email=True, key=KEY_2, vm=VM_2)
    tampered = copy.deepcopy(tampered)
    tampered["credentialSubject"]["achievement"]["name"] = "Champion du monde"
    return [
        Case("email, before rotation", credential(1, email=True, key=KEY_1, vm=VM_1), before, "valid"),
        Case("no email, before rotation", credential(2, email=False, key=KEY_1, vm=VM_1), before, "valid"),
        Case("email, old key after rotation", credential(3, email=True, key=KEY_1, vm=VM_1), after, "valid"),
        Case(
            "no email, old key after rotation", credential(4, email=False, key=KEY_1, vm=VM_1), after, "valid"
        ),
        Case("email, new key", credential(5, email=True, key=KEY_2, vm=VM_2), after, "valid"),
        Case("no email, new key", credential(6, email=False, key=KEY_2, vm=VM_2), after, "valid"),
        Case("revoked", credential(REVOKED_INDEX, email=False, key=KEY_2, vm=VM_2), after, "revoked"),
        Case("tampered", tampered, after, "tampered"),
    ]
