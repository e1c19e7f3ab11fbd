"""Bitstring Status List: bit order, encoding, bounded decoding, index drawing, the list credential."""

from __future__ import annotations

import base64
import gzip
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ob3_fixtures import DID, ISSUED, KEY_2, STATUS_URL, status_list

from badges import BadgeFormatError, DocumentError, ob3
from badges.ob3 import status

SIZE = ob3.MIN_STATUS_ENTRIES


def test_status_minimum_is_131072_entries():
    assert SIZE == 131_072 and len(ob3.new_bitstring()) == 16_384


def test_status_index_zero_is_the_leftmost_bit_of_the_first_byte():
    bits = ob3.new_bitstring()
    ob3.set_bit(bits, 0)
    assert bits[0] == 0x80 and not any(bits[1:])


def test_status_index_seven_is_the_rightmost_bit_of_the_first_byte():
    bits = ob3.new_bitstring()
    ob3.set_bit(bits, 7)
    ob3.set_bit(bits, 8)
    assert (bits[0], bits[1]) == (0x01, 0x80)


def test_status_last_index_is_the_rightmost_bit_of_the_last_byte():
    bits = ob3.new_bitstring()
    ob3.set_bit(bits, SIZE - 1)
    assert bits[-1] == 0x01


@given(indices=st.sets(st.integers(0, SIZE - 1), max_size=30), probe=st.integers(0, SIZE - 1))
def test_status_get_reads_exactly_the_bits_set(indices, probe):
    bits = ob3.new_bitstring()
    for index in indices:
        ob3.set_bit(bits, index)
    assert ob3.get_bit(bits, probe) is (probe in indices)


def test_status_clearing_a_bit_leaves_its_neighbours():
    bits = ob3.new_bitstring()
    for index in (9, 10, 11):
        ob3.set_bit(bits, index)
    ob3.set_bit(bits, 10, False)
    assert [ob3.get_bit(bits, i) for i in (9, 10, 11)] == [True, False, True]


@pytest.mark.parametrize("index", [-1, SIZE, True, "3", 2.0])
def test_status_index_outside_the_list_is_refused(index):
    with pytest.raises(DocumentError):
        ob3.set_bit(ob3.new_bitstring(), index)


@pytest.mark.parametrize("entries", [SIZE - 8, SIZE + 4, 0, True])
def test_status_bitstring_smaller_than_the_minimum_or_not_bytes_is_refused(entries):
    with pytest.raises(DocumentError):
        ob3.new_bitstring(entries)


def test_status_encoded_list_is_multibase_base64url_of_gzip():
    bits = ob3.new_bitstring()
    ob3.set_bit(bits, 3)
    encoded = ob3.encode_list(bits)
    assert encoded.startswith("u") and "=" not in encoded
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:2] == b"\x1f\x8b" and gzip.decompress(raw) == bytes(bits)


def test_status_encoding_is_deterministic():
    assert ob3.encode_list(ob3.new_bitstring()) == ob3.encode_list(ob3.new_bitstring())


@given(indices=st.sets(st.integers(0, SIZE - 1), max_size=20))
def test_status_decode_inverts_encode(indices):
    bits = ob3.new_bitstring()
    for index in indices:
        ob3.set_bit(bits, index)
    assert ob3.decode_list(ob3.encode_list(bits)) == bytes(bits)


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "encoded",
    [
        "z" + "1" * 20,
        "u",
        "u" + "A" * 10,
        "u!!!",
        _u(gzip.compress(b"\x00" * 100, mtime=0)),  # far too short
        _u(gzip.compress(b"\x00" * 16384, mtime=0))[:-4],  # truncated
        _u(gzip.compress(b"\x00" * 16384, mtime=0)) + "==",
        _u(b"\x78\x9c" + b"\x00" * 20),  # zlib, not gzip
        42,
    ],
)
def test_status_decode_refuses_unreadable_lists(encoded):
    with pytest.raises(BadgeFormatError):
        ob3.decode_list(encoded)


def test_status_decode_refuses_a_zip_bomb_without_inflating_it():
    bomb = gzip.compress(b"\x00" * (status.MAX_BITSTRING_BYTES + 1024), compresslevel=9)
    with pytest.raises(BadgeFormatError):
        ob3.decode_list(_u(bomb))


def test_status_pick_uses_the_injected_randomness():
    draws = iter([7, 7, 3, 9])
    assert ob3.pick_unused_indices({9}, 2, randbelow=lambda n: next(draws)) == [7, 3]


def test_status_pick_returns_distinct_unused_indices():
    rng = random.Random(4)
    used = set(range(0, 1000, 3))
    picked = ob3.pick_unused_indices(used, 500, randbelow=rng.randrange)
    assert len(set(picked)) == 500 and not used & set(picked)
    assert all(0 <= i < SIZE for i in picked)


def test_status_pick_still_finds_the_last_free_indices_of_a_nearly_full_list():
    free = {5, 70_000, SIZE - 1}
    used = set(range(SIZE)) - free
    picked = ob3.pick_unused_indices(used, 3, randbelow=random.Random(1).randrange)
    assert set(picked) == free


def test_status_pick_refuses_when_the_list_is_full():
    with pytest.raises(DocumentError):
        ob3.pick_unused_indices(set(range(SIZE - 1)), 2, randbelow=random.Random(0).randrange)


def test_status_pick_refuses_a_randomness_that_leaves_the_list():
    with pytest.raises(DocumentError):
        ob3.pick_unused_indices(set(), 1, randbelow=lambda n: n)


def test_status_list_credential_has_the_bitstring_status_list_form():
    doc = status_list(revoked=(4,))
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["issuer"] == DID and doc["id"] == STATUS_URL
    subject = doc["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    assert ob3.get_bit(ob3.decode_list(subject["encodedList"]), 4)


def test_status_list_credential_is_signed_with_the_same_proof():
    doc = status_list()
    ob3.verify_proof(doc, ob3.public_key_multibase(ob3.public_key_of(KEY_2)))
    ob3.check_closed({k: v for k, v in doc.items() if k != "proof"})


def test_status_list_credential_refuses_an_issuer_that_is_not_a_did_web():
    with pytest.raises(DocumentError):
        ob3.status_list_credential(
            id=STATUS_URL, issuer="https://badges.example.fr", bits=ob3.new_bitstring(), valid_from=ISSUED
        )


@pytest.mark.parametrize(("url", "index"), [("http://badges.example.fr/l", 1), (STATUS_URL, -1)])
def test_status_entry_refuses_bad_values(url, index):
    with pytest.raises((DocumentError, BadgeFormatError)):
        ob3.status_entry(url, index)
