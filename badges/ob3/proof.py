"""DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa), sign and verify.

Creating a proof, as the specification says:

1. the proof configuration: type, cryptosuite, created, verificationMethod, proofPurpose, with
   the document's own @context (so its terms are read with the same definitions);
2. both the configuration and the document (without proof) are canonicalised with RDFC-1.0;
3. each canonical form is hashed with SHA-256;
4. hashData = proofConfigHash || transformedDocumentHash (proof first), signed with Ed25519;
5. proofValue = multibase base58btc of the 64-byte signature.

Verifying redoes steps 1-4 with the proof read from the document, and checks the signature with a
public key the caller got from the issuer's own records, never from the document.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature

from ..documents import format_datetime
from .errors import BadgeFormatError, DocumentError, SignatureError
from .keys import PrivateKey, PublicKey, b58_decode, b58_encode, load_private_key, load_public_key
from .ld import canonicalize
from .vocab import CRYPTOSUITE, PROOF_PURPOSE, PROOF_TYPE

__all__ = ["Transformed", "hash_data", "read_proof", "sign", "transform", "verify"]

# The members a proof of ours has, and the only ones a proof is read with (fail closed on more).
_REQUIRED = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue")


@dataclass(frozen=True)
class Transformed:
    """What a proof covers, step by step (the test vectors compare each step)."""

    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_config_hash: bytes

    @property
    def hash_data(self) -> bytes:
        """proofConfigHash || transformedDocumentHash: the 64 bytes Ed25519 signs."""
        return self.proof_config_hash + self.document_hash


def _config(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = copy.deepcopy(document["@context"])
    return config


def transform(document: Mapping[str, Any], proof: Mapping[str, Any]) -> Transformed:
    """Canonicalise and hash the document (without its proof) and the proof configuration."""
    if "@context" not in document:
        raise DocumentError("Le document à signer n'a pas de @context.")
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    canonical_document = canonicalize(unsecured)
    canonical_config = canonicalize(_config(document, proof))
    return Transformed(
        canonical_document,
        canonical_config,
        hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        hashlib.sha256(canonical_config.encode("utf-8")).digest(),
    )


def hash_data(document: Mapping[str, Any], proof: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers."""
    return transform(document, proof).hash_data


def sign(
    document: Mapping[str, Any], private_key: PrivateKey, *, verification_method: str, created: datetime
) -> dict[str, Any]:
    """Return a copy of the document with an eddsa-rdfc-2022 DataIntegrityProof added."""
    if "proof" in document:
        raise DocumentError("Ce document est déjà signé.")
    if not isinstance(verification_method, str) or "#" not in verification_method:
        raise DocumentError("« verificationMethod » doit être l'id d'une clé (avec « # »).")
    key = load_private_key(private_key)
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created, "created"),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    proof["proofValue"] = b58_encode(key.sign(hash_data(document, proof)))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = proof
    return signed


def read_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document's one proof, checked for form: type, cryptosuite and purpose pinned."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise BadgeFormatError("Ce badge n'a pas de preuve (« proof ») unique.", code="no_proof")
    if set(proof) != set(_REQUIRED) or not all(isinstance(proof[k], str) for k in _REQUIRED):
        raise BadgeFormatError("La preuve de ce badge n'a pas la forme attendue.")
    if (proof["type"], proof["cryptosuite"]) != (PROOF_TYPE, CRYPTOSUITE):
        raise SignatureError(
            f"Preuve refusée : seule {PROOF_TYPE} avec {CRYPTOSUITE} est acceptée.", code="alg_not_allowed"
        )
    if proof["proofPurpose"] != PROOF_PURPOSE:
        raise SignatureError(
            "Cette preuve n'a pas été faite pour attester un badge (assertionMethod).", code="alg_not_allowed"
        )
    return proof


def _bad_signature() -> SignatureError:
    return SignatureError(
        "La signature ne correspond pas : le badge a été modifié après sa "
        "délivrance, ou il n'a pas été signé par cette clé."
    )


def verify(document: Mapping[str, Any], public_key: PublicKey) -> dict[str, Any]:
    """Check the document's proof against exactly this public key; return the proof."""
    proof = read_proof(document)
    signature = b58_decode(proof["proofValue"], "La valeur de la preuve")
    if len(signature) != 64:
        raise _bad_signature()
    key = load_public_key(public_key)
    try:
        key.verify(signature, hash_data(document, proof))
    except InvalidSignature as exc:
        raise _bad_signature() from exc
    return proof
