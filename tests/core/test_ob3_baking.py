"""Specification of badges.ob3.baking: an OpenBadgeCredential in a PNG or SVG (OB 3.0 § Baking),
and telling a 3.0 credential from a 2.0 badge in whatever a person hands a verifier."""

from __future__ import annotations

import json
import struct

import pytest
from badges_fixtures import SVG_IMAGE, png_image
from defusedxml.minidom import parseString
from hypothesis import given, settings
from hypothesis import strategies as st
from ob3_fixtures import credential

from badges import BakingError, bake_png, bake_svg, ob3
from badges.vocab import OB3_BAKING_NAMESPACE

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJl"


@pytest.fixture(scope="module")
def signed() -> str:
    return json.dumps(credential(), ensure_ascii=False, separators=(",", ":"))


def text_chunks(png: bytes) -> list[bytes]:
    """The keywords of a PNG's text chunks, in order."""
    pos, found = 8, []
    while pos < len(png):
        (length, kind) = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"iTXt":
            found.append(png[pos + 8 : pos + 8 + length].split(b"\0", 1)[0])
        pos += 12 + length
    return found


def test_a_png_carries_the_credential_in_one_uncompressed_openbadgecredential_chunk(signed):
    baked = ob3.bake_credential_png(png_image(), signed)
    assert text_chunks(baked) == [b"openbadgecredential"]
    body = baked[33 + 8 :].split(b"IDAT")[0]
    assert b"openbadgecredential\x00\x00\x00" in body  # compression flag and method both 0
    assert json.loads(ob3.extract_credential(baked)) == json.loads(signed)


def test_baking_a_png_again_replaces_the_credential(signed):
    twice = ob3.bake_credential_png(ob3.bake_credential_png(png_image(), '{"a":1}'), signed)
    assert text_chunks(twice) == [b"openbadgecredential"]
    assert json.loads(ob3.extract_credential(twice)) == json.loads(signed)


def test_an_svg_carries_the_json_in_cdata_with_no_verify_attribute(signed):
    baked = ob3.bake_credential_svg(SVG_IMAGE, signed)
    root = parseString(baked).documentElement
    (element,) = root.getElementsByTagNameNS(OB3_BAKING_NAMESPACE, "credential")
    assert element.tagName == "openbadges:credential"
    assert root.firstChild is element and not element.hasAttribute("verify")
    assert element.firstChild.nodeType == element.CDATA_SECTION_NODE
    assert json.loads(ob3.extract_credential(baked)) == json.loads(signed)
    again = ob3.bake_credential_svg(baked, signed)
    assert len(parseString(again).getElementsByTagNameNS(OB3_BAKING_NAMESPACE, "credential")) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff")))
def test_any_text_in_the_credential_survives_svg_baking(value):
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": value, "trap": "]]>"}
    text = json.dumps(doc, ensure_ascii=False)
    assert json.loads(ob3.extract_credential(ob3.bake_credential_svg(SVG_IMAGE, text))) == doc


def test_an_svg_with_two_credentials_is_refused():
    baked = ob3.bake_credential_svg(SVG_IMAGE, '{"a":1}').decode()
    doubled = baked.replace("</svg>", "<openbadges:credential><![CDATA[{}]]></openbadges:credential></svg>")
    with pytest.raises(BakingError) as refused:
        ob3.extract_credential(doubled.encode())
    assert refused.value.code == "duplicate" and "« credential »" in refused.value.message


def test_an_svg_that_uses_the_prefix_for_2_0_cannot_also_carry_a_credential(signed):
    with pytest.raises(BakingError) as refused:
        ob3.bake_credential_svg(bake_svg(SVG_IMAGE, JWS, signed=True), signed)
    assert refused.value.code == "prefix_clash"


def test_a_2_0_image_holds_no_credential():
    for image in (bake_png(png_image(), JWS), bake_svg(SVG_IMAGE, JWS, signed=True)):
        with pytest.raises(BakingError) as refused:
            ob3.extract_credential(image)
        assert refused.value.code == "no_badge"
        assert ob3.read_credential(image) is None


# ---- What a verifier is handed ------------------------------------------------------------------


def test_a_credential_is_recognised_as_an_object_as_text_and_baked(signed):
    doc = json.loads(signed)
    assert ob3.read_credential(doc) == doc
    assert ob3.read_credential(signed) == doc
    assert ob3.read_credential(f"  {signed}\n".encode()) == doc
    assert ob3.read_credential(ob3.bake_credential_png(png_image(), signed)) == doc
    svg = ob3.bake_credential_svg(SVG_IMAGE, signed)
    assert ob3.read_credential(svg) == doc
    assert ob3.read_credential(svg.decode()) == doc  # an SVG pasted as text


@pytest.mark.parametrize(
    "badge",
    [
        JWS,
        "https://palier.example/assertions/1",
        "09C9 3877",
        {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"},
        '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}',
        b"\x89PNG\r\n\x1a\n broken",
        "{ not json",
        b"\xff\xfe{",
        None,
        42,
    ],
)
def test_a_2_0_badge_or_anything_else_is_not_taken_for_a_credential(badge):
    assert ob3.read_credential(badge) is None


def test_a_credential_chunk_that_is_not_json_is_handed_on_as_text_to_be_refused():
    baked = ob3.bake_credential_png(png_image(), "pas du JSON")
    assert ob3.read_credential(baked) == "pas du JSON"


def test_a_damaged_png_is_left_to_the_2_0_reader_to_explain(signed):
    baked = bytearray(ob3.bake_credential_png(png_image(), signed))
    baked[40] ^= 0xFF  # inside the credential chunk: its CRC no longer matches
    assert ob3.read_credential(bytes(baked)) is None
    with pytest.raises(BakingError) as refused:
        ob3.extract_credential(bytes(baked))
    assert refused.value.code == "crc"
