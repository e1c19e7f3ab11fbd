"""1EdTech's eddsa-rdfc-2022 test vector for Open Badges 3.0, reproduced byte for byte."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from ob3_fixtures import VECTORS, vector

from badges import ob3


def _unsigned() -> dict:
    doc = vector()["signedCredential"]
    doc.pop("proof")
    return doc


def _proof_config() -> dict:
    proof = dict(vector()["signedCredential"]["proof"])
    proof.pop("proofValue")
    return proof


def _transformed() -> ob3.Transformed:
    return ob3.transform(_unsigned(), _proof_config())


def test_vector_canonical_document_is_1edtech_document_canon_byte_for_byte():
    expected = (VECTORS / "document-canon.txt").read_bytes()
    assert _transformed().canonical_document.encode("utf-8") == expected


def test_vector_canonical_proof_config_is_1edtech_proof_canon_byte_for_byte():
    expected = (VECTORS / "proof-canon.txt").read_bytes()
    assert _transformed().canonical_proof_config.encode("utf-8") == expected


def test_vector_document_hash_is_the_published_one():
    assert _transformed().document_hash.hex() == vector()["documentHashHex"]


def test_vector_proof_hash_is_the_published_one():
    assert _transformed().proof_config_hash.hex() == vector()["proofHashHex"]


def test_vector_data_to_sign_is_proof_hash_then_document_hash():
    assert _transformed().hash_data.hex() == vector()["dataToSignHex"]


def test_vector_vendored_canonical_files_hash_to_the_published_hashes():
    # The two files and the guide agree with each other: nothing was mistyped when vendoring.
    v = vector()
    assert hashlib.sha256((VECTORS / "document-canon.txt").read_bytes()).hexdigest() == v["documentHashHex"]
    assert hashlib.sha256((VECTORS / "proof-canon.txt").read_bytes()).hexdigest() == v["proofHashHex"]


def test_vector_signing_reproduces_the_published_signature_and_proof_value():
    v = vector()
    seed = bytes.fromhex(v["privateKeyHex"])[:32]
    signed = ob3.sign_credential(
        _unsigned(),
        seed,
        verification_method=_proof_config()["verificationMethod"],
        created=datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC),
    )
    assert signed["proof"]["proofValue"] == v["signedCredential"]["proof"]["proofValue"]
    assert ob3.keys.b58_decode(signed["proof"]["proofValue"]).hex() == v["signatureHex"]


def test_vector_private_key_seed_matches_the_published_public_key():
    v = vector()
    seed, public = bytes.fromhex(v["privateKeyHex"])[:32], bytes.fromhex(v["privateKeyHex"])[32:]
    assert public.hex() == v["publicKeyHex"]
    assert ob3.public_key_multibase(ob3.public_key_of(seed)) == v["publicKeyMultibase"]


def test_vector_public_key_multibase_is_base58btc_of_ed25519_multicodec_and_key():
    v = vector()
    assert ob3.public_key_multibase(bytes.fromhex(v["publicKeyHex"])) == v["publicKeyMultibase"]


def test_vector_signed_credential_verifies_with_the_published_key():
    v = vector()
    proof = ob3.verify_proof(v["signedCredential"], v["publicKeyMultibase"])
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
