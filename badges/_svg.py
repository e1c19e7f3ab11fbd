"""SVG baking: an <openbadges:assertion> element right after <svg>, found by a bounded expat stream.

Reading a badge out of an uploaded SVG never builds a tree. expat streams the start of the file and
stops as soon as the first assertion element is closed: the Baking specification places it directly
after the <svg> tag, and says to read up to the first one and discard the rest. What expat does
before that is bounded, each bound checked before or while it works, never after:

* bytes: only the first ``WINDOW`` bytes are ever given to expat, and the badge must be complete in
  them (ours sits a few hundred bytes in; a badge longer than ``MAX_JSON`` is refused anyway). This
  is what bounds the time: a fixed number of bytes at expat's slowest (about 10 ns a byte), the
  same bound on every run, where a clock would refuse the same file or not depending on the load;
* attributes: expat reads every attribute of a tag before anyone can stop it, so the "=" bytes in
  what it is given (at least one per attribute or namespace declaration, in every encoding expat
  reads) are counted first, in C;
* elements and depth: counted in the element handlers, which refuse past ``MAX_ELEMENTS`` or
  ``MAX_DEPTH``.

Comments, processing instructions and text outside the badge have no handler: expat skips them in C.
The rest of the file is never parsed, only searched, in C, for the start tag of a second assertion,
which the specification forbids. The search reads bytes, not XML: after the badge, a comment holding
``<x:assertion`` or another namespace's ``<x:assertion>`` is refused as if it were a second badge.

Baking (our own images, small) keeps a DOM, after the same checks over the whole file.
"""

from __future__ import annotations

import json
import re
from typing import AnyStr, NoReturn
from xml.dom.minidom import Document, Element
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.minidom import parseString

from ._png import MAX_UPLOAD
from .errors import BakingError
from .vocab import BAKING_NAMESPACE, OB3_BAKING_NAMESPACE

MAX_ELEMENTS = 10_000  # elements read before the badge is complete; our emblems have about 30
MAX_DEPTH = 100  # nesting of elements; ours is 2
MAX_ATTRIBUTES = 10_000  # "=" bytes in what expat reads; our emblems have about 60
WINDOW = 1024 * 1024  # the badge must end in the first mebibyte
_FIRST = 64 * 1024  # read first; what follows is counted and read only if the badge is not over

_XMLNS = "http://www.w3.org/2000/xmlns/"
# Characters XML 1.0 cannot carry at all; whitespace is also refused in the verify attribute,
# where parsers fold it into spaces (a JWS or a URL never contains any).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PREFIX = "openbadges"  # the validator's bakery looks the element up by this exact prefix


class BakedElement:
    """The element a badge is baked in: Open Badges 2.0's ``assertion`` or 3.0's ``credential``.

    After the badge, a second one is looked for: the element's name right after "<" or a prefix's
    ":", and before what can end a name in a tag. Searching for the name first keeps the search in
    C; each hit is then checked by one look at the character before it. Bytes for every encoding
    expat reads but UTF-16: all write markup and ASCII names as ASCII.
    """

    def __init__(self, namespace: str, local: str) -> None:
        self.namespace, self.local = namespace, local
        self.expat_name = f"{namespace} {local}"  # how expat names it with namespace_separator=" "
        word = re.escape(local)
        self.search_bytes = (
            re.compile(word.encode() + rb"[\s/>]"),
            re.compile(rb"[^\s/>]+"),
            b"<",
            b"</",
            b"<:",
        )
        self.search_str = (re.compile(word + r"[\s/>]"), re.compile(r"[^\s/>]+"), "<", "</", "<:")


ASSERTION = BakedElement(BAKING_NAMESPACE, "assertion")
CREDENTIAL = BakedElement(OB3_BAKING_NAMESPACE, "credential")
_NEAR_MISSES = 64  # hits not preceded by "<" or ":" ("une assertion >") looked at before giving up

_UNREADABLE = "Ce fichier n'est pas une image SVG lisible."
_TWO_BADGES = "Cette image contient plusieurs badges, ce que la norme interdit."


def _french(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


class _BadgeRead(Exception):
    """Internal: the first assertion element is closed; nothing after it needs parsing."""


def _refuse_declarations(*_args: object) -> NoReturn:
    # No DTD at all: entities (billion laughs) and external references (XXE) need one.
    raise BakingError(
        "Cette image SVG contient des déclarations interdites (DTD ou entités).", code="forbidden_xml"
    )


class _Reader:
    """One expat pass over an SVG with counting handlers; ``find`` stops after the first badge."""

    def __init__(self, *, find: bool, element: BakedElement = ASSERTION) -> None:
        self.find, self.element = find, element
        self.elements = 0  # start tags seen: the tests read it to check the parser stopped
        self.depth = 0
        self.equals = 0  # "=" bytes in what expat was given
        self.start: int | None = None  # byte offsets of the badge's start tag and of its end
        self.end: int | None = None
        self.badge_depth = 0
        self.verify = ""
        self.body: list[str] = []
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True  # text reaches a handler in large pieces, not line by line
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_declarations
        parser.EntityDeclHandler = _refuse_declarations
        parser.UnparsedEntityDeclHandler = _refuse_declarations
        parser.ExternalEntityRefHandler = _refuse_declarations
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        self.parser = parser

    def feed(self, data: bytes, start: int, end: int, final: bool) -> None:
        """Give expat data[start:end] once its "=" are counted; BakingError for any refusal."""
        self.equals += data.count(b"=", start, end)
        if self.equals > MAX_ATTRIBUTES:
            raise BakingError(
                f"Cette image SVG est trop complexe pour être lue : plus de "
                f"{_french(MAX_ATTRIBUTES)} attributs.",
                code="too_complex",
            )
        try:
            self.parser.Parse(memoryview(data)[start:end], final)
        except BakingError:
            raise
        # LookupError: expat asks Python for the codec named in <?xml encoding="..."?>, which may
        # name no codec at all (found by fuzzing); ValueError: a codec of several bytes per
        # character, which expat cannot use.
        except (expat.ExpatError, ValueError, UnicodeError, LookupError) as exc:
            raise BakingError(_UNREADABLE, code="not_svg") from exc

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_ELEMENTS:
            raise BakingError(
                f"Cette image SVG est trop complexe pour être lue : plus de "
                f"{_french(MAX_ELEMENTS)} éléments.",
                code="too_complex",
            )
        if self.depth > MAX_DEPTH:
            raise BakingError(
                f"Cette image SVG est trop complexe pour être lue : des éléments "
                f"imbriqués sur plus de {MAX_DEPTH} niveaux.",
                code="too_deep",
            )
        if self.elements == 1 and name.rpartition(" ")[2] != "svg":
            raise BakingError("Ce fichier XML n'est pas une image SVG.", code="not_svg")
        if name != self.element.expat_name or not self.find:
            return
        if self.start is not None:  # an assertion inside the first one
            raise BakingError(_TWO_BADGES, code="duplicate")
        self.start = self.parser.CurrentByteIndex
        self.badge_depth = self.depth
        self.verify = attrs.get("verify", "").strip()
        if not self.verify:  # the body only matters when there is no verify attribute
            self.parser.CharacterDataHandler = self._text

    def _text(self, data: str) -> None:
        if self.depth == self.badge_depth:  # text and CDATA that are children of the badge
            self.body.append(data)

    def _end(self, _name: str) -> None:
        if self.start is not None and self.depth == self.badge_depth:
            self.end = self.parser.CurrentByteIndex
            raise _BadgeRead
        self.depth -= 1


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BakingError("Une image SVG doit être fournie sous forme de texte ou d'octets.", code="not_svg")
    if len(data) > MAX_UPLOAD:
        raise BakingError("Cette image est trop volumineuse (5 Mo au plus).", code="too_large")
    return bytes(data)


def _from_badge(data: bytes, reader: _Reader) -> tuple[bytes | str, int, int]:
    """The file to search, and where the badge starts and ends in it (UTF-16 is decoded first)."""
    # _read_badge hands out a reader only once the badge is closed: both offsets are known.
    assert reader.start is not None and reader.end is not None
    head = data[:2]  # UTF-16 as expat detects it: a byte order mark, or "<" and a zero byte
    codec = (
        "utf-16-le"
        if head in (b"\xff\xfe", b"<\x00")
        else "utf-16-be"
        if head in (b"\xfe\xff", b"\x00<")
        else None
    )
    if codec is None:
        return data, reader.start, reader.end
    text = str(memoryview(data)[reader.start :], codec, "replace")
    return text, 0, (reader.end - reader.start) // 2


def _second_badge_after(data: bytes, reader: _Reader) -> bool:
    """Whether what follows the badge holds what looks like the start tag of another one."""
    text, start, end = _from_badge(data, reader)
    if isinstance(text, str):
        return _second_badge_in(text, start, end, *reader.element.search_str)
    return _second_badge_in(text, start, end, *reader.element.search_bytes)


def _second_badge_in(
    text: AnyStr,
    start: int,
    end: int,
    name: re.Pattern[AnyStr],
    qname: re.Pattern[AnyStr],
    lt: AnyStr,
    end_tag: AnyStr,
    marks: AnyStr,
) -> bool:
    # expat places the end of the badge at its end tag, or just after its start tag ("<x/>");
    # neither holds a "<" past its first character (attribute values cannot).
    own = qname.match(text, start + 1)
    closing = end_tag + (own.group() if own else text[:0])
    pos = text.find(lt, end + 1 if text.startswith(closing, end) else end)
    for _ in range(_NEAR_MISSES):
        found = name.search(text, pos) if pos >= 0 else None
        if found is None:
            return False
        if text[found.start() - 1] in marks:
            return True
        pos = found.start() + 1
    return True  # the word again and again after the badge: refused rather than searched on


def _read_badge(data: bytes, element: BakedElement) -> _Reader:
    """Stream the start of an SVG up to the end of its first badge; BakingError if none there."""
    reader = _Reader(find=True, element=element)
    size = len(data)
    try:
        for start, end in ((0, min(_FIRST, size)), (_FIRST, min(WINDOW, size))):
            if start < end:
                reader.feed(data, start, end, final=end == size)
    except _BadgeRead:
        return reader
    if reader.start is not None:  # opened, not closed, in the window
        raise BakingError(
            "Le badge contenu dans l'image est trop volumineux : il doit tenir dans "
            "le premier Mo du fichier.",
            code="too_large",
        )
    if size > WINDOW:
        raise BakingError(
            "Cette image ne contient aucun badge à l'endroit où la norme le place "
            "(juste après la balise <svg>).",
            code="no_badge",
        )
    raise BakingError("Cette image ne contient aucun badge.", code="no_badge")


def extract_svg(data: bytes | str, element: BakedElement = ASSERTION) -> str:
    """Return the text baked in an SVG: the verify attribute (JWS or URL), else the JSON body."""
    data = _as_bytes(data)
    reader = _read_badge(data, element)
    if _second_badge_after(data, reader):
        raise BakingError(
            "Cette image semble contenir plusieurs badges (un second élément "
            f"« {element.local} » suit le premier), ce que la norme interdit.",
            code="duplicate",
        )
    if reader.verify:
        return reader.verify
    body = "".join(reader.body).strip()
    if not body:
        raise BakingError("Le badge contenu dans l'image est vide.", code="no_badge")
    return body


def _parse(data: bytes | str) -> tuple[Document, Element]:
    """The DOM of a whole SVG, once a bounded pass has checked it (no DTD, limits, root <svg>)."""
    data = _as_bytes(data)
    _Reader(find=False).feed(data, 0, len(data), final=True)
    try:
        # types-defusedxml says str; defusedxml hands bytes on to expat, as xml.dom.minidom does.
        doc = parseString(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)  # type: ignore[arg-type]
    except (
        DefusedXmlException,
        expat.ExpatError,
        ValueError,
        UnicodeError,
        LookupError,
    ) as exc:  # already refused above; kept so no other error can escape
        raise BakingError(_UNREADABLE, code="not_svg") from exc
    root = doc.documentElement
    if root is None:  # pragma: no cover - a document that parsed has its root element
        raise BakingError(_UNREADABLE, code="not_svg")
    return doc, root


def bake_svg(svg: bytes | str, payload: str, *, signed: bool, assertion_json: str | None = None) -> bytes:
    """Bake a JWS (signed) or an assertion URL with its JSON (hosted) into an SVG; replaces."""
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("Rien à insérer dans l'image : le badge est vide.", code="empty")
    payload = payload.strip()
    if (
        any(c.isspace() for c in payload)
        or _NOT_XML.search(payload)
        or (assertion_json is not None and _NOT_XML.search(assertion_json))
    ):
        raise BakingError(
            "Le badge à insérer contient des caractères qu'une image SVG ne peut pas porter.",
            code="bad_payload",
        )
    if signed and assertion_json is not None:
        raise BakingError(
            "Un badge signé se cuit sans JSON : la signature contient tout.", code="bad_arguments"
        )
    doc, _, element = _fresh_element(svg, ASSERTION)
    element.setAttribute("verify", payload)
    if assertion_json is not None:
        # "]]>" would close the CDATA section early; it can only occur inside a JSON string,
        # where "\u003e" is the very same character.
        element.appendChild(doc.createCDATASection(assertion_json.replace("]]>", "]]\\u003e")))
    baked = doc.toxml(encoding="utf-8")
    # What we hand out must read back: not so if the image is too big before the badge, or holds
    # something that looks like a second one (a commented-out assertion, another namespace's).
    try:
        read = extract_svg(baked)
    except BakingError as exc:
        raise BakingError(
            f"Une fois cuite, cette image SVG ne pourrait pas être relue : {exc.message}", code="unreadable"
        ) from exc
    if read != payload:  # pragma: no cover - the element was just written with this attribute
        raise BakingError(
            "Une fois cuite, cette image SVG ne rendrait pas le badge inséré.", code="unreadable"
        )
    return baked


def _fresh_element(svg: bytes | str, target: BakedElement) -> tuple[Document, Element, Element]:
    """The SVG's DOM without any badge of this kind, and a new empty badge element first in it."""
    doc, root = _parse(svg)
    # baking again replaces: an SVG never carries two badges
    for old in list(doc.getElementsByTagNameNS(target.namespace, target.local)):
        if old.parentNode is not None:  # always: the element was found in the document
            old.parentNode.removeChild(old)
    declared = root.getAttributeNS(_XMLNS, _PREFIX)
    if declared and declared != target.namespace:
        raise BakingError(
            "Cette image SVG utilise déjà le préfixe « openbadges » pour autre chose.", code="prefix_clash"
        )
    root.setAttributeNS(_XMLNS, f"xmlns:{_PREFIX}", target.namespace)
    element = doc.createElementNS(target.namespace, f"{_PREFIX}:{target.local}")
    root.insertBefore(element, root.firstChild)
    return doc, root, element


def bake_svg_credential(svg: bytes | str, credential_json: str) -> bytes:
    """Bake an Open Badges 3.0 credential (JSON with its embedded proof) into an SVG; replaces.

    The JSON goes in the body of an ``<openbadges:credential>`` element, in a CDATA section, with
    no ``verify`` attribute (the OB 3.0 rule for an embedded proof).
    """
    if not isinstance(credential_json, str) or not credential_json.strip():
        raise BakingError("Rien à insérer dans l'image : le badge est vide.", code="empty")
    if _NOT_XML.search(credential_json):
        raise BakingError(
            "Le badge à insérer contient des caractères qu'une image SVG ne peut pas porter.",
            code="bad_payload",
        )
    doc, _, element = _fresh_element(svg, CREDENTIAL)
    element.appendChild(doc.createCDATASection(credential_json.replace("]]>", "]]\\u003e")))
    baked = doc.toxml(encoding="utf-8")
    try:
        read = extract_svg(baked, CREDENTIAL)
    except BakingError as exc:
        raise BakingError(
            f"Une fois cuite, cette image SVG ne pourrait pas être relue : {exc.message}", code="unreadable"
        ) from exc
    if json.loads(read) != json.loads(credential_json):  # pragma: no cover - just written
        raise BakingError(
            "Une fois cuite, cette image SVG ne rendrait pas le badge inséré.", code="unreadable"
        )
    return baked
