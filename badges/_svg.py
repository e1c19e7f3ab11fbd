"""SVG baking: an <openbadges:assertion> element, first child of the root, read with defusedxml."""

from __future__ import annotations

import re
from xml.dom import Node
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.minidom import parseString

from ._png import MAX_UPLOAD
from .errors import BakingError
from .vocab import BAKING_NAMESPACE

_XMLNS = "http://www.w3.org/2000/xmlns/"
# Characters XML 1.0 cannot carry at all; whitespace is also refused in the verify attribute,
# where parsers fold it into spaces (a JWS or a URL never contains any).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PREFIX = "openbadges"  # the validator's bakery looks the element up by this exact prefix


def _parse(data: bytes | str):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BakingError("Une image SVG doit être fournie sous forme de texte ou d'octets.",
                          code="not_svg")
    if len(data) > MAX_UPLOAD:
        raise BakingError("Cette image est trop volumineuse (5 Mo au plus).", code="too_large")
    try:
        # No DTD at all: entities (billion laughs) and external references (XXE) need one.
        doc = parseString(bytes(data), forbid_dtd=True, forbid_entities=True,
                          forbid_external=True)
    except DefusedXmlException as exc:
        raise BakingError("Cette image SVG contient des déclarations interdites (DTD ou entités).",
                          code="forbidden_xml") from exc
    # LookupError: expat asks Python for the codec named in <?xml encoding="..."?>, which may
    # name no codec at all (found by fuzzing).
    except (ExpatError, ValueError, UnicodeError, LookupError) as exc:
        raise BakingError("Ce fichier n'est pas une image SVG lisible.", code="not_svg") from exc
    root = doc.documentElement
    if root is None or root.localName != "svg":
        raise BakingError("Ce fichier XML n'est pas une image SVG.", code="not_svg")
    return doc, root


def _assertions(doc) -> list:
    return list(doc.getElementsByTagNameNS(BAKING_NAMESPACE, "assertion"))


def extract_svg(data: bytes | str) -> str:
    """Return the text baked in an SVG: the verify attribute (JWS or URL), else the JSON body."""
    doc, _ = _parse(data)
    found = _assertions(doc)
    if not found:
        raise BakingError("Cette image ne contient aucun badge.", code="no_badge")
    if len(found) > 1:
        raise BakingError("Cette image contient plusieurs badges, ce que la norme interdit.",
                          code="duplicate")
    element = found[0]
    verify = element.getAttribute("verify").strip()
    if verify:
        return verify
    body = "".join(child.data for child in element.childNodes
                   if child.nodeType in (Node.TEXT_NODE, Node.CDATA_SECTION_NODE)).strip()
    if not body:
        raise BakingError("Le badge contenu dans l'image est vide.", code="no_badge")
    return body


def bake_svg(svg: bytes | str, payload: str, *, signed: bool,
             assertion_json: str | None = None) -> bytes:
    """Bake a JWS (signed) or an assertion URL with its JSON (hosted) into an SVG; replaces."""
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("Rien à insérer dans l'image : le badge est vide.", code="empty")
    payload = payload.strip()
    if any(c.isspace() for c in payload) or _NOT_XML.search(payload) or (
            assertion_json is not None and _NOT_XML.search(assertion_json)):
        raise BakingError("Le badge à insérer contient des caractères qu'une image SVG ne peut pas "
                          "porter.", code="bad_payload")
    if signed and assertion_json is not None:
        raise BakingError("Un badge signé se cuit sans JSON : la signature contient tout.",
                          code="bad_arguments")
    doc, root = _parse(svg)
    for old in _assertions(doc):  # baking again replaces: an SVG never carries two badges
        old.parentNode.removeChild(old)
    declared = root.getAttributeNS(_XMLNS, _PREFIX)
    if declared and declared != BAKING_NAMESPACE:
        raise BakingError("Cette image SVG utilise déjà le préfixe « openbadges » pour autre "
                          "chose.", code="prefix_clash")
    root.setAttributeNS(_XMLNS, f"xmlns:{_PREFIX}", BAKING_NAMESPACE)
    element = doc.createElementNS(BAKING_NAMESPACE, f"{_PREFIX}:assertion")
    element.setAttribute("verify", payload)
    if assertion_json is not None:
        # "]]>" would close the CDATA section early; it can only occur inside a JSON string,
        # where "\u003e" is the very same character.
        element.appendChild(doc.createCDATASection(assertion_json.replace("]]>", "]]\\u003e")))
    root.insertBefore(element, root.firstChild)
    return doc.toxml(encoding="utf-8")
