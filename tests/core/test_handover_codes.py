"""The short handover codes, as people read and type them (pure: issuer/collecting/codes.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from issuer.collecting import codes


@given(st.text(min_size=1, max_size=32))
def test_a_code_is_eight_unambiguous_characters(salt):
    code = codes.derive(b"secret", salt)
    assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
    assert not set(code) & set("01ILO")


def test_the_same_salt_under_another_secret_gives_another_code():
    assert codes.derive(b"one", "salt") != codes.derive(b"two", "salt")
    assert codes.derive(b"one", "salt") == codes.derive(b"one", "salt")


@given(st.text(min_size=1, max_size=32))
def test_a_code_reads_back_however_it_is_typed(salt):
    code = codes.derive(b"secret", salt)
    for typed in (
        code,
        codes.written(code),
        code.lower(),
        f"  {code[:4]} {code[4:]} ",
        f"https://x.fr/r/{code}/",
    ):
        assert codes.read(typed) == code


def test_what_cannot_be_a_code_reads_as_none():
    for typed in ("", "ABC", "K7QM-3XP", "K7QM-3XPAA", "K7QM-3XP0", "KIQM-3XPA", None):
        assert codes.read(typed) is None


def test_the_database_keeps_a_digest_never_the_code():
    code = codes.derive(b"secret", "salt")
    assert code not in codes.digest_of(code) and len(codes.digest_of(code)) == 64
