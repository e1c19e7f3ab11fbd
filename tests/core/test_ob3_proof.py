"""eddsa-rdfc-2022 DataIntegrityProof: sign then verify, and no change goes unnoticed."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ob3_fixtures import ISSUED, KEY_1, KEY_2, VM_1, achievement, credential

from badges import BadgeFormatError, DocumentError, SignatureError, ob3

PUBLIC_1 = ob3.public_key_multibase(ob3.public_key_of(KEY_1))
PUBLIC_2 = ob3.public_key_multibase(ob3.public_key_of(KEY_2))
SLOW = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)


def test_proof_has_the_eddsa_rdfc_2022_form():
    proof = credential()["proof"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-03-14T09:30:00Z",
        "verificationMethod": VM_1,
        "proofPurpose": "assertionMethod",
    }
    assert proof["proofValue"].startswith("z")


def test_proof_sign_does_not_change_its_input():
    doc = credential(sign=False)
    before = copy.deepcopy(doc)
    ob3.sign_credential(doc, KEY_1, verification_method=VM_1, created=ISSUED)
    assert doc == before


def test_proof_signature_is_deterministic():
    assert credential()["proof"] == credential()["proof"]


def test_proof_verifies_with_the_signing_key():
    assert ob3.verify_proof(credential(), PUBLIC_1)["verificationMethod"] == VM_1


def test_proof_does_not_verify_with_another_key():
    with pytest.raises(SignatureError):
        ob3.verify_proof(credential(), PUBLIC_2)


def test_proof_a_signed_document_cannot_be_signed_again():
    with pytest.raises(DocumentError):
        ob3.sign_credential(credential(), KEY_1, verification_method=VM_1, created=ISSUED)


def test_proof_key_order_and_json_layout_do_not_matter():
    doc = credential()
    shuffled = {key: doc[key] for key in reversed(list(doc))}
    ob3.verify_proof(shuffled, PUBLIC_1)


@SLOW
@given(name=TEXT, description=TEXT, narrative=TEXT)
def test_proof_sign_then_verify_round_trips_for_any_texts(name, description, narrative):
    doc = credential(
        sign=False, achievement=achievement(name=name, description=description), narrative=narrative
    )
    signed = ob3.sign_credential(doc, KEY_2, verification_method=VM_1, created=ISSUED)
    ob3.verify_proof(signed, PUBLIC_2)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path


SIGNED = credential()
FIELDS = [path for path in _leaves(SIGNED) if path[0] not in ("@context", "proof")]


def _mutated(doc, path, value):
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    old = node[path[-1]]
    if isinstance(old, bool):
        new = not old
    elif isinstance(old, str):
        new = value if value != old else value + "x"
    else:
        new = value
    node[path[-1]] = new
    return doc


@SLOW
@given(path=st.sampled_from(FIELDS), value=st.text(min_size=1, max_size=10))
def test_proof_any_single_change_of_a_signed_field_is_detected(path, value):
    changed = _mutated(SIGNED, path, value)
    with pytest.raises((SignatureError, BadgeFormatError, ob3.errors.ContextError)):
        ob3.verify_proof(changed, PUBLIC_1)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in FIELDS
        if p[0] in ("validFrom", "issuer", "name") or "identityHash" in p or "statusListIndex" in p
    ],
)
def test_proof_each_decisive_field_is_covered(path):
    with pytest.raises(SignatureError):
        ob3.verify_proof(_mutated(SIGNED, path, "2030-01-01T00:00:00Z"), PUBLIC_1)


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("type", "Ed25519Signature2020"),
        ("cryptosuite", "eddsa-jcs-2022"),
        ("cryptosuite", "ecdsa-rdfc-2019"),
        ("proofPurpose", "authentication"),
        ("proofValue", "z" + "1" * 10),
        ("proofValue", "u" + "A" * 86),
        ("proofValue", ""),
        ("created", None),
    ],
)
def test_proof_of_another_kind_or_form_is_refused(member, value):
    doc = copy.deepcopy(SIGNED)
    doc["proof"][member] = value
    with pytest.raises((SignatureError, BadgeFormatError)):
        ob3.verify_proof(doc, PUBLIC_1)


@pytest.mark.parametrize(
    "extra", ["domain", "challenge", "expires", "previousProof", "@context", "id", "nonce"]
)
def test_proof_with_a_member_we_never_write_is_refused(extra):
    doc = copy.deepcopy(SIGNED)
    doc["proof"][extra] = "x"
    with pytest.raises(BadgeFormatError):
        ob3.verify_proof(doc, PUBLIC_1)


@pytest.mark.parametrize("proof", [None, [], "z1", [SIGNED["proof"]], [SIGNED["proof"], SIGNED["proof"]]])
def test_proof_that_is_not_one_object_is_refused(proof):
    doc = copy.deepcopy(SIGNED)
    doc["proof"] = proof
    with pytest.raises(BadgeFormatError):
        ob3.verify_proof(doc, PUBLIC_1)


def test_proof_value_with_leading_zero_bytes_spelled_twice_is_refused():
    doc = copy.deepcopy(SIGNED)
    doc["proof"]["proofValue"] = "z1" + doc["proof"]["proofValue"][1:]
    with pytest.raises((SignatureError, BadgeFormatError)):
        ob3.verify_proof(doc, PUBLIC_1)


@pytest.mark.parametrize("key", [b"\x00" * 31, "z6Mk", "zQ3s" + "1" * 44, 42])
def test_proof_unreadable_public_key_is_refused(key):
    with pytest.raises((SignatureError, BadgeFormatError)):
        ob3.verify_proof(SIGNED, key)


@pytest.mark.parametrize("key", [b"\x01" * 31, "-----BEGIN PRIVATE KEY-----\nxx\n", 3])
def test_proof_unreadable_private_key_is_refused(key):
    with pytest.raises(SignatureError):
        ob3.sign_credential(credential(sign=False), key, verification_method=VM_1, created=ISSUED)


def test_proof_pem_private_key_signs_like_its_seed():
    pem = ob3.generate_private_key()
    doc = credential(sign=False)
    signed = ob3.sign_credential(doc, pem, verification_method=VM_1, created=ISSUED)
    ob3.verify_proof(signed, ob3.public_key_multibase(ob3.public_key_of(pem)))
