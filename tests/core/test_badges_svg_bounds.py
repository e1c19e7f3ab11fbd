"""Specification of SVG extraction on hostile uploads: a bounded stream, never a tree.

Speed is measured in ``benchmarks/svg.py`` (as ratios), never here: these tests check what bounds the
time instead, deterministically. expat is wrapped so that every byte it is given and every call it
makes into Python is counted, and the peak of Python memory is measured with tracemalloc.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from dataclasses import dataclass
from xml.parsers import expat

import pytest
from badges_fixtures import SVG_IMAGE
from defusedxml.minidom import parseString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges import MAX_UPLOAD, BakingError, bake_svg, extract, extract_svg
from badges._svg import MAX_ATTRIBUTES, MAX_DEPTH, MAX_ELEMENTS, WINDOW

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJl"
URL = "https://palier.example/assertions/1"
ROOT = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">'
BADGE = f'<o:assertion verify="{URL}"/>'.encode()
END = b"</svg>"


@dataclass
class Counts:
    fed: int = 0  # bytes given to expat
    calls: int = 0  # calls expat made into Python handlers
    parsers: int = 0


class CountingParser:
    """An expat parser that counts what it is fed and the handler calls it makes."""

    def __init__(self, real, counts: Counts) -> None:
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_counts", counts)

    def __setattr__(self, name, value):
        if name.endswith("Handler") and callable(value):
            counts, handler = self._counts, value

            def counted(*args):
                counts.calls += 1
                return handler(*args)

            value = counted
        setattr(self._real, name, value)

    def __getattr__(self, name):
        return getattr(self._real, name)

    def Parse(self, data, final=False):
        self._counts.fed += len(data)
        return self._real.Parse(data, final)


@pytest.fixture
def counts(monkeypatch) -> Counts:
    found = Counts()
    create = expat.ParserCreate

    def counting(*args, **kwargs):
        found.parsers += 1
        return CountingParser(create(*args, **kwargs), found)

    monkeypatch.setattr(expat, "ParserCreate", counting)
    return found


def filled(head: bytes, unit: bytes, tail: bytes, size: int = MAX_UPLOAD) -> bytes:
    """head + unit repeated + tail, as close to ``size`` bytes as the unit allows."""
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def many_attributes(count: int, template: bytes = b'a%06d=""') -> bytes:
    return b"<g " + b" ".join(template % i for i in range(count)) + b"/>"


# name -> (SVG at the size limit, the code refused with, or None when the badge is read)
HOSTILE = {
    "480,000 empty <g/> (the review's case)": (ROOT + b"<g/>" * 480_000 + BADGE + END, "too_complex"),
    "empty <g/> up to the limit": (filled(ROOT, b"<g/>", BADGE + END), "too_complex"),
    "nested <g> up to the limit": (filled(ROOT, b"<g>", BADGE + END), "too_deep"),
    "one tag with 400,000 attributes": (ROOT + many_attributes(400_000) + BADGE + END, "too_complex"),
    "one tag with 250,000 namespace declarations": (
        ROOT + many_attributes(250_000, b'xmlns:a%06d="u"') + BADGE + END,
        "too_complex",
    ),
    "prefixed attributes": (
        ROOT + b'<g xmlns:p="u" ' + many_attributes(300_000, b'p:a%06d=""')[3:] + BADGE + END,
        "too_complex",
    ),
    "text before the badge": (filled(ROOT, b"x", BADGE + END), "no_badge"),
    "line breaks before the badge": (filled(ROOT, b"\n", BADGE + END), "no_badge"),
    "carriage returns before the badge": (filled(ROOT, b"\r", BADGE + END), "no_badge"),
    "character references": (filled(ROOT, b"&#x41;", BADGE + END), "no_badge"),
    "entity references": (filled(ROOT, b"&amp;", BADGE + END), "no_badge"),
    "one long comment": (filled(ROOT + b"<!--", b"x", b"-->" + BADGE + END), "no_badge"),
    "comments holding fake badges": (filled(ROOT, b"<!--<o:assertion/>-->", BADGE + END), "no_badge"),
    # "=" are counted wherever they are, comments included: an upper bound, never parsed.
    "comments full of =": (filled(ROOT, b"<!--a='x'-->", BADGE + END), "too_complex"),
    "processing instructions": (filled(ROOT, b"<?a b?>", BADGE + END), "no_badge"),
    "CDATA of brackets": (filled(ROOT + b"<![CDATA[", b"]", b"x]]>" + BADGE + END), "no_badge"),
    "huge attribute value": (filled(ROOT + b'<g a="', b"x", b'"/>' + BADGE + END), "no_badge"),
    "huge element name": (filled(ROOT + b"<", b"g", b"/>" + BADGE + END), "no_badge"),
    "huge root start tag": (
        filled(
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org" d="',
            b"x",
            b'">' + BADGE + END,
        ),
        "no_badge",
    ),
    "prolog of comments": (filled(b"<!--", b"-x", b"-->" + ROOT + BADGE + END), "no_badge"),
    "badge body never closed": (filled(ROOT + b"<o:assertion><![CDATA[", b"x", b"]]>" + END), "too_large"),
    "badge, then <g/> up to the limit": (filled(ROOT + BADGE, b"<g/>", END), None),
    "badge, then line breaks": (filled(ROOT + BADGE, b"\n", END), None),
    "badge, then comments": (filled(ROOT + BADGE, b"<!--x-->", END), None),
    "badge, then the word assertion": (filled(ROOT + BADGE, b"assertion ", END), None),
    "badge, then a second one far away": (filled(ROOT + BADGE, b" ", BADGE + END), "duplicate"),
    "badge, then near misses": (
        filled(ROOT + BADGE + b"<text>", b"une assertion ", b"</text>" + END),
        "duplicate",
    ),
    "badge, then garbage that is not XML": (filled(ROOT + BADGE, b"<<&&", b""), None),
    "UTF-16 badge, then line breaks": (
        filled(
            (ROOT + BADGE).decode().encode("utf-16"),
            "\n".encode("utf-16-le"),
            END.decode().encode("utf-16-le"),
        ),
        None,
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_extract_svg_reads_at_most_a_window_and_few_elements_of_a_hostile_upload(name, counts):
    data, code = HOSTILE[name]
    assert len(data) <= MAX_UPLOAD
    if code is None:
        assert extract_svg(data) == URL
    else:
        with pytest.raises(BakingError) as refused:
            extract_svg(data)
        assert refused.value.code == code
        assert refused.value.message.endswith(")") or refused.value.message.endswith(".")
    assert counts.parsers == 1
    assert counts.fed <= WINDOW  # the rest of the file is never parsed
    # One call per start and end tag, plus the text of the badge: the limits hold in handlers.
    assert counts.calls <= 2 * (MAX_ELEMENTS + 1) + 2


@pytest.mark.parametrize("name", list(HOSTILE))
def test_extract_svg_peak_memory_stays_near_the_window(name):
    data, _ = HOSTILE[name]
    tracemalloc.start()
    with contextlib.suppress(BakingError):
        extract_svg(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # expat's copy of the window, one attribute or body as text, or a UTF-16 file decoded once;
    # a DOM of the same files took over 100 MiB.
    assert peak < 2 * WINDOW + MAX_UPLOAD // 2, peak


def test_extract_svg_of_our_badge_stops_at_its_end_tag(counts):
    baked = bake_svg(SVG_IMAGE, JWS, signed=True) + b"<!--" + b"x" * 100_000 + b"-->"
    counts.fed = counts.calls = 0
    assert extract_svg(baked) == JWS
    assert counts.fed < 70_000 and counts.calls == 3  # <svg>, the badge's start and end


def test_extract_svg_refuses_more_elements_than_the_limit_before_the_badge():
    ok = ROOT + b"<g/>" * (MAX_ELEMENTS - 2) + BADGE + END
    assert extract_svg(ok) == URL
    with pytest.raises(BakingError, match="trop complexe") as refused:
        extract_svg(ROOT + b"<g/>" * (MAX_ELEMENTS - 1) + BADGE + END)
    assert refused.value.code == "too_complex"


def test_extract_svg_refuses_nesting_deeper_than_the_limit():
    def nested(levels: int) -> bytes:
        return ROOT + b"<g>" * levels + BADGE + b"</g>" * levels + END

    assert extract_svg(nested(MAX_DEPTH - 2)) == URL
    with pytest.raises(BakingError, match="niveaux") as refused:
        extract_svg(nested(MAX_DEPTH - 1))
    assert refused.value.code == "too_deep"


def test_extract_svg_refuses_more_attributes_than_the_limit_counted_before_parsing():
    def with_attributes(count: int) -> bytes:
        return (
            ROOT.replace(b"<svg ", b"<svg " + b" ".join(b"a%d=''" % i for i in range(count)) + b" ")
            + BADGE
            + END
        )

    equals = (ROOT + BADGE).count(b"=")
    assert extract_svg(with_attributes(MAX_ATTRIBUTES - equals)) == URL
    with pytest.raises(BakingError, match="attributs") as refused:
        extract_svg(with_attributes(MAX_ATTRIBUTES - equals + 1))
    assert refused.value.code == "too_complex"


def test_extract_svg_counts_attributes_only_in_what_it_reads():
    # Our badge is read from the first 64 KiB: a drawing full of attributes after that is not.
    drawing = b"".join(b'<circle cx="%d" cy="1" r="1"/>' % i for i in range(MAX_ATTRIBUTES))
    assert extract_svg(ROOT + BADGE + b" " * 70_000 + drawing + END) == URL


def test_extract_svg_finds_a_badge_anywhere_in_the_first_mebibyte():
    late = ROOT + b"<g>" + b" " * (WINDOW - 2000) + BADGE + b"</g>" + END
    assert extract_svg(late) == URL
    too_late = ROOT + b" " * WINDOW + BADGE + END
    with pytest.raises(BakingError, match="norme le place") as refused:
        extract_svg(too_late)
    assert refused.value.code == "no_badge"


def svg(*parts: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">' + "".join(parts) + "</svg>"
    )


@pytest.mark.parametrize(
    ("document", "text"),
    [
        (svg('<o:assertion verify=" x "/>'), "x"),
        (svg('<o:assertion verify="v"><![CDATA[{"id": 1}]]></o:assertion>'), "v"),
        (svg('<o:assertion>\n <![CDATA[ {"a": "]]>"}'), None),
        (svg("<o:assertion>&amp;&#65;<!-- c -->b<?pi x?><![CDATA[<c>]]></o:assertion>"), "&Ab<c>"),
        (svg("<o:assertion>a<g>not this</g>b<g><t>nor this</t></g></o:assertion>"), "ab"),
        (svg('<g><g><o:assertion verify="deep"/></g></g>'), "deep"),
        (svg('<x:assertion xmlns:x="urn:other" verify="other"/><o:assertion verify="ours"/>'), "ours"),
        (svg('<o:assertion o:verify="prefixed">body</o:assertion>'), "body"),
        (svg('<assertion xmlns="http://openbadges.org" verify="default"/>'), "default"),
        (svg('<!-- <o:assertion verify="commented"/> --><o:assertion verify="real"/>'), "real"),
        (svg('<o:assertion verify="first"/><text>une assertion ; assertion/ ; x:assertions</text>'), "first"),
        (svg('<o:assertion\n  verify="spaced"\n/>'), "spaced"),
    ],
)
def test_extract_svg_reads_the_badge_as_the_dom_did(document, text):
    if text is None:  # unclosed CDATA: not XML
        with pytest.raises(BakingError, match="lisible"):
            extract_svg(document)
    else:
        assert extract_svg(document) == text


@pytest.mark.parametrize(
    "document",
    [
        svg('<o:assertion verify="a"/><o:assertion verify="b"/>'),
        svg('<o:assertion verify="a"/>\n<g><o:assertion verify="b"></o:assertion></g>'),
        svg('<o:assertion verify="a"><o:assertion verify="b"/></o:assertion>'),
        svg('<o:assertion verify="a"/><assertion xmlns="http://openbadges.org" verify="b"/>'),
        svg('<o:assertion>{}</o:assertion><o:assertion\tverify="b"/>'),
        svg('<o:assertion verify="a"/><p:assertion xmlns:p="http://openbadges.org">{}</p:assertion>'),
        # Found by bytes, not XML: after the badge, these look the same as a second one.
        svg('<o:assertion verify="a"/><!-- <o:assertion verify="b"/> -->'),
        svg('<o:assertion verify="a"/><x:assertion xmlns:x="urn:other"/>'),
    ],
)
def test_extract_svg_refuses_a_second_badge_wherever_it_is(document):
    with pytest.raises(BakingError, match="plusieurs badges") as refused:
        extract_svg(document)
    assert refused.value.code == "duplicate"
    with pytest.raises(BakingError):
        extract(document.encode("utf-16"))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "latin-1"])
def test_extract_svg_reads_every_encoding_expat_reads(codec):
    declaration = f'<?xml version="1.0" encoding="{codec.removesuffix("-sig")}"?>'
    if codec.startswith("utf-16-"):
        declaration = ""  # no byte order mark: expat tells the order from "<" and its zero byte
    document = declaration + svg('<o:assertion verify="é"/>', " assertion ")
    assert extract_svg(document.encode(codec)) == "é"
    twice = declaration + svg('<o:assertion verify="é"/>', "<o:assertion/>")
    with pytest.raises(BakingError, match="plusieurs"):
        extract_svg(twice.encode(codec))


def test_extract_svg_ignores_what_follows_the_badge_as_the_spec_says():
    # "Parse the SVG until you reach the first <openbadges:assertion> tag. The rest of the SVG
    # data can safely be discarded." (Open Badges Baking 2.0)
    assert extract_svg(svg('<o:assertion verify="a"/>', "<unclosed>")) == "a"
    assert extract_svg(ROOT + BADGE) == URL


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ('<?xml version="1.0"?><!DOCTYPE svg><svg/>', "forbidden_xml"),
        ('<!DOCTYPE svg [<!ENTITY a "b">]>' + svg("&a;", '<o:assertion verify="a"/>'), "forbidden_xml"),
        ('<html xmlns="http://www.w3.org/1999/xhtml"><o:assertion/></html>', "not_svg"),
        ('<?xml version="1.0" encoding="UTF-8YYYY"?><svg/>', "not_svg"),
        ('<?xml version="1.0" encoding="shift_jis"?><svg/>', "not_svg"),
        (svg("<g>", '<o:assertion verify="a"/>'), None),
        (svg("<g></h>", '<o:assertion verify="a"/>'), "not_svg"),
        (svg("<o:assertion>", "   ", "</o:assertion>"), "no_badge"),
        ("<svg/>", "no_badge"),
    ],
)
def test_extract_svg_refuses_declarations_other_roots_and_bad_xml_before_the_badge(document, code):
    if code is None:
        assert extract_svg(document) == "a"
        return
    with pytest.raises(BakingError) as refused:
        extract_svg(document)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "name",
    [
        "480,000 empty <g/> (the review's case)",
        "nested <g> up to the limit",
        "one tag with 400,000 attributes",
    ],
)
def test_bake_svg_refuses_hostile_images_before_building_a_tree(name, counts):
    with pytest.raises(BakingError) as refused:
        bake_svg(HOSTILE[name][0], JWS, signed=True)
    assert refused.value.code == HOSTILE[name][1]
    assert counts.calls <= 2 * (MAX_ELEMENTS + 1)


@pytest.mark.parametrize(
    "image",
    [
        svg('<!-- <o:assertion verify="old"/> -->'),  # would read back as two badges
        '<svg xmlns="http://www.w3.org/2000/svg" d="' + "x" * WINDOW + '"/>',  # badge past the window
        svg('<x:assertion xmlns:x="urn:other"/>'),
    ],
)
def test_bake_svg_refuses_images_whose_badge_would_not_read_back(image):
    with pytest.raises(BakingError, match="relue") as refused:
        bake_svg(image, JWS, signed=True)
    assert refused.value.code == "unreadable"


def test_bake_svg_keeps_baking_our_large_png_wrapped_images():
    # A skill's PNG wrapped in an SVG: one <image> with a data URI of several megabytes.
    image = svg('<image href="data:image/png;base64,' + "A" * (3 * 1024 * 1024) + '=="/>')
    baked = bake_svg(image, JWS, signed=True)
    assert extract_svg(baked) == JWS


# --- the stream answers what the DOM answered, on documents both can read --------------------


def dom_answer(document: str) -> str:
    """What extraction answered when it was done on a minidom tree (before the stream)."""
    doc = parseString(document.encode())
    found = doc.getElementsByTagNameNS("http://openbadges.org", "assertion")
    if not found:
        return "no_badge"
    if len(found) > 1:
        return "duplicate"
    verify = found[0].getAttribute("verify").strip()
    if verify:
        return verify
    body = "".join(c.data for c in found[0].childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))
    return body.strip() or "no_badge"


def stream_answer(document: str) -> str:
    try:
        return extract_svg(document)
    except BakingError as exc:
        return exc.code


TEXT = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "x",
        "&amp;",
        "a<!--c-->b",
        "<![CDATA[ {} ]]>",
        "<?pi x?>",
        "&#65;",
        "\r\n",
        "une assertion",
    ]
)
LEAVES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "<g/>",
            "<circle r='1'/>",
            '<o:assertion verify="V"/>',
            '<o:assertion>{"a":1}</o:assertion>',
            '<o:assertion verify=" "/>',
            '<o:assertion verify="W"><![CDATA[x]]></o:assertion>',
            "<o:assertion><g>in</g> body </o:assertion>",
            '<assertion xmlns="http://openbadges.org"/>',
        ]
    ),
)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.builds(
        lambda tag, kids: f"<{tag}>{''.join(kids)}</{tag}>",
        st.sampled_from(["g", "text", "o:assertion"]),
        st.lists(inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TREES, max_size=5))
def test_extract_svg_answers_what_the_dom_answered(children):
    document = svg(*children)
    assert stream_answer(document) == dom_answer(document)
