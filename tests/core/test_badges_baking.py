"""Specification of badges.baking: PNG iTXt and SVG element, per Open Badges Baking 1.0."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from badges_fixtures import SVG_IMAGE, png_image
from defusedxml.minidom import parseString
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from badges import BakingError, bake_png, bake_svg, extract, extract_png, extract_svg
from badges.baking import MAX_UPLOAD

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJl"
URL = "https://palier.example/assertions/1"
PAYLOADS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1).filter(
    lambda text: text.strip() != ""
)
XML_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"))
# What an SVG verify attribute can carry exactly: a JWS or a URL has no whitespace or controls.
ATTRIBUTE_PAYLOADS = st.text(
    st.characters(
        exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"], exclude_characters="\ufffe\uffff\x85\xa0"
    ),
    min_size=1,
)


def chunk(kind: bytes, body: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def chunk_types(png: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kinds.append(png[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def with_chunk_after_ihdr(png: bytes, extra: bytes) -> bytes:
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + extra + png[ihdr_end:]


def itxt(text: bytes, compressed: int = 0) -> bytes:
    return chunk(b"iTXt", b"openbadges\0" + bytes([compressed]) + b"\0\0\0" + text)


def test_bake_png_inserts_one_itxt_right_after_ihdr():
    baked = bake_png(png_image(), JWS)
    kinds = chunk_types(baked)
    assert kinds[:2] == [b"IHDR", b"iTXt"] and kinds.count(b"iTXt") == 1
    assert extract_png(baked) == JWS


def test_bake_png_keeps_a_valid_image_that_pillow_reads():
    image = Image.open(io.BytesIO(bake_png(png_image(), JWS)))
    image.load()
    assert image.size == (8, 8) and image.info["openbadges"] == JWS
    assert image.info["Comment"] == "Palier"  # other text chunks are left alone


def test_bake_png_again_replaces_the_badge():
    rebaked = bake_png(bake_png(png_image(), JWS), URL)
    assert chunk_types(rebaked).count(b"iTXt") == 1
    assert extract_png(rebaked) == URL


def test_bake_png_stores_text_uncompressed():
    baked = bake_png(png_image(), "x" * 1000)
    assert b"openbadges\0\0\0\0\0" + b"x" * 1000 in baked


@settings(max_examples=100, deadline=None)
@given(PAYLOADS)
def test_png_bake_then_extract_round_trips_any_payload(payload):
    assert extract(bake_png(png_image(), payload)) == payload


@settings(max_examples=100, deadline=None)
@given(ATTRIBUTE_PAYLOADS, st.booleans())
def test_svg_bake_then_extract_round_trips_any_payload(payload, signed):
    baked = bake_svg(SVG_IMAGE, payload, signed=signed)
    assert extract(baked) == payload


@pytest.mark.parametrize("payload", ["a\nb", "a b", "a\tb", "a\x01b", "a\ufffeb"])
def test_bake_svg_refuses_what_an_attribute_cannot_carry(payload):
    with pytest.raises(BakingError, match="ne peut pas"):
        bake_svg(SVG_IMAGE, payload, signed=True)


def test_bake_svg_refuses_json_that_xml_cannot_carry():
    with pytest.raises(BakingError, match="ne peut pas"):
        bake_svg(SVG_IMAGE, URL, signed=False, assertion_json='{"a": "\x00"}')


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(XML_TEXT, XML_TEXT, max_size=4))
def test_svg_hosted_json_survives_in_cdata(content):
    text = json.dumps({"id": URL, **content}, ensure_ascii=False)
    baked = bake_svg(SVG_IMAGE, URL, signed=False, assertion_json=text)
    element = parseString(baked).getElementsByTagNameNS("http://openbadges.org", "assertion")[0]
    assert json.loads(element.firstChild.data) == {"id": URL, **content}
    assert extract_svg(baked) == URL


def test_bake_svg_signed_puts_the_jws_in_verify_as_first_child():
    baked = bake_svg(SVG_IMAGE.encode(), JWS, signed=True)
    root = parseString(baked).documentElement
    assert root.getAttribute("xmlns:openbadges") == "http://openbadges.org"
    first = root.firstChild
    assert first.tagName == "openbadges:assertion" and first.getAttribute("verify") == JWS
    assert not first.childNodes  # self-closing: a signature needs no body
    assert "<!-- médaille -->" in baked.decode()


def test_bake_svg_hosted_puts_the_url_in_verify_and_json_in_cdata():
    baked = bake_svg(SVG_IMAGE, URL, signed=False, assertion_json='{"id": "x"}').decode()
    expected = f'<openbadges:assertion verify="{URL}"><![CDATA[{{"id": "x"}}]]>'
    assert expected + "</openbadges:assertion>" in baked


def test_bake_svg_again_replaces_the_badge():
    rebaked = bake_svg(bake_svg(SVG_IMAGE, JWS, signed=True), URL, signed=False)
    assert rebaked.count(b"<openbadges:assertion") == 1 and extract(rebaked) == URL


def test_extract_svg_returns_the_json_when_only_cdata_is_present():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        '<openbadges:assertion><![CDATA[ {"id": "x"} ]]></openbadges:assertion></svg>'
    )
    assert extract_svg(svg) == '{"id": "x"}'


def test_bake_svg_refuses_json_with_a_signed_badge():
    with pytest.raises(BakingError):
        bake_svg(SVG_IMAGE, JWS, signed=True, assertion_json="{}")


def test_bake_svg_refuses_a_clashing_openbadges_prefix():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other"/>'
    with pytest.raises(BakingError, match="préfixe"):
        bake_svg(svg, JWS, signed=True)


@pytest.mark.parametrize("payload", ["", "   ", None])
def test_bake_refuses_an_empty_payload(payload):
    with pytest.raises(BakingError, match="vide"):
        bake_png(png_image(), payload)
    with pytest.raises(BakingError, match="vide"):
        bake_svg(SVG_IMAGE, payload, signed=True)


def hostile_pngs() -> dict[str, tuple[bytes, str]]:
    png = png_image()
    baked = bake_png(png, JWS)
    return {
        "empty": (b"", "n'est pas une image PNG"),
        "junk": (b"\x00\x01junk" * 10, "n'est pas une image PNG"),
        "signature only": (png[:8], "tronqué"),
        "truncated chunk": (baked[:40], "tronqué"),
        "truncated before IEND": (baked[:-12], "tronqué"),
        "huge chunk length": (png[:8] + struct.pack(">I", 2**31 + 5) + b"IHDR" + b"\0" * 20, "tronqué"),
        "bad crc": (
            with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\0\0\0\0x", 1)),
            "somme de contrôle",
        ),
        "no IHDR first": (png[:8] + itxt(b"x") + png[8:], "IHDR"),
        "two badge chunks": (with_chunk_after_ihdr(baked, itxt(b"second")), "plusieurs badges"),
        "itxt and text": (with_chunk_after_ihdr(baked, chunk(b"tEXt", b"openbadges\0u")), "plusieurs badges"),
        "compressed itxt": (with_chunk_after_ihdr(png, itxt(zlib.compress(JWS.encode()), 1)), "compressé"),
        "ztxt": (
            with_chunk_after_ihdr(png, chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(JWS.encode()))),
            "compressé",
        ),
        "short itxt": (with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0")), "mal formé"),
        "itxt missing fields": (
            with_chunk_after_ihdr(png, chunk(b"iTXt", b"openbadges\0\0\0xx")),
            "mal formé",
        ),
        "itxt not utf-8": (with_chunk_after_ihdr(png, itxt(b"\xff\xfe")), "UTF-8"),
        "empty badge": (with_chunk_after_ihdr(png, itxt(b"  ")), "vide"),
        "no badge": (png, "aucun badge"),
        "too large": (png + b"\0" * MAX_UPLOAD, "trop volumineuse"),
    }


@pytest.mark.parametrize("name", list(hostile_pngs()))
def test_extract_png_refuses_hostile_files_in_french(name):
    data, message = hostile_pngs()[name]
    with pytest.raises(BakingError, match=message):
        extract_png(data)


def test_extract_png_reads_a_legacy_text_chunk():
    png = with_chunk_after_ihdr(png_image(), chunk(b"tEXt", b"openbadges\0" + URL.encode()))
    assert extract_png(png) == URL


def test_bake_png_refuses_a_damaged_png():
    with pytest.raises(BakingError, match="tronqué"):
        bake_png(png_image()[:-5], JWS)


HOSTILE_SVGS = {
    "billion laughs": (
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">'
            '<!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">'
            "&b;</svg>"
        ),
        "interdites",
    ),
    "external entity": (
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
            '"file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
        ),
        "interdites",
    ),
    "external dtd": (
        (
            '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>'
        ),
        "interdites",
    ),
    "not xml": ("<svg <<>", "lisible"),
    "not svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "pas une image SVG"),
    "no badge": (SVG_IMAGE, "aucun badge"),
    "two badges": (
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">'
            '<o:assertion verify="a"/><o:assertion verify="b"/></svg>'
        ),
        "plusieurs",
    ),
    "empty badge": (
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">'
            '<o:assertion verify=" "/></svg>'
        ),
        "vide",
    ),
    "too large": ("<svg>" + " " * MAX_UPLOAD + "</svg>", "trop volumineuse"),
    "bytes not utf-8": (b"<svg>\xff</svg>", "lisible"),
}


@pytest.mark.parametrize("name", list(HOSTILE_SVGS))
def test_extract_svg_refuses_hostile_files_in_french(name):
    data, message = HOSTILE_SVGS[name]
    with pytest.raises(BakingError, match=message):
        extract_svg(data)


@pytest.mark.parametrize("name", ["billion laughs", "external entity", "external dtd"])
def test_bake_svg_refuses_dtds_too(name):
    with pytest.raises(BakingError, match="interdites"):
        bake_svg(HOSTILE_SVGS[name][0], JWS, signed=True)


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\xff\xd8\xff\xe0JFIF", "<svg/>", 42])
def test_extract_refuses_what_is_neither_png_nor_svg(data):
    with pytest.raises(BakingError):
        extract(data)
