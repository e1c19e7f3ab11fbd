"""Write the seed corpus of every target into tests/fuzz/corpus/<target>/ (deterministic)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import badges

from .contracts import BASE, issuer

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fuzz" / "corpus"

_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
    'viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'
)
_TREE = """version: 1
name: Arbre minimal
branches:
  - {id: cooperation, name: Coopération, colour: "#1E6FD9", icon: equipe}
skills:
  - id: cooperation-1
    branch: cooperation
    tier: 1
    name: Jouer ensemble
    description: Joue avec les autres.
    criteria: Reste avec son équipe.
    image: a.png
  - id: cooperation-2
    branch: cooperation
    tier: 2
    name: Entraide
    description: Aide les autres.
    criteria: Aide un coéquipier.
    requires: cooperation-1
"""


def _png() -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Palier")
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (30, 120, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def seeds() -> dict[str, list[bytes]]:
    """The hand-made starting points of each target: valid inputs and a few near misses."""
    lookup = issuer()
    token = lookup.tokens["1"]
    document = lookup.records[f"{BASE}/assertions/1"].document
    png, svg = _png(), _SVG.encode()
    baked_png = badges.bake_png(png, token)
    baked_svg = badges.bake_svg(svg, token, signed=True)
    hosted_svg = badges.bake_svg(svg, document["id"], signed=False, assertion_json=json.dumps(document))
    _, payload, sig = token.split(".")
    none_token = "eyJhbGciOiJub25lIn0." + payload + "."  # {"alg":"none"}, no signature
    return {
        # The shipped tree (20 KiB) is left out: its mutants would swell the corpus; its tests load it.
        "tree": [
            _TREE.encode(),
            b"a: &a [*a]\n",
            b"version: 1\nname: !!python/object:os.system x\n",
            b"- - - - [\n",
        ],
        "png": [png, baked_png, png[:40], badges.bake_png(png, document["id"])],
        "svg": [
            svg,
            baked_svg,
            hosted_svg,
            b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            # the stream: UTF-16, and a second badge after the first (issue #12)
            baked_svg.decode("utf-8").encode("utf-16"),
            baked_svg.replace(b"</svg>", b"<!-- <o:assertion/> --><g><g/></g></svg>"),
        ],
        "extract": [baked_png, baked_svg, hosted_svg, b"\xef\xbb\xbf  <svg/>"],
        "jws": [
            token.encode(),
            none_token.encode(),
            lookup.tokens["2"].encode(),
            b"a.b.c",
            b"e30.e30.",
            sig.encode(),
        ],
        "verify": [
            token.encode(),
            lookup.tokens["2"].encode(),
            lookup.tokens["3"].encode(),
            document["id"].encode(),
            json.dumps(document).encode(),
            baked_png,
            hosted_svg,
            none_token.encode(),
            b"https://ailleurs.example/a/1",
            b'{"a":' * 40 + b"1" + b"}" * 40,
            b'{"id": "["' + b"[" * 40 + b"}",
        ],
        "csv": [
            "jeune;competence;observation;lien\nLéa;cooperation-1;A aidé;https://x.fr\n".encode(),
            b'jeune,competence,observation\n12,cooperation-1,"a, b"\n',
            "jeune;compétence;observation\r\nZoé;x;é\r\n".encode("cp1252"),
            b"\xef\xbb\xbfjeune;competence\n",
        ],
    }


def write(corpus: Path = CORPUS) -> None:
    """Write every seed under its content hash (the libFuzzer convention), keeping others."""
    for target, items in seeds().items():
        folder = corpus / target
        folder.mkdir(parents=True, exist_ok=True)
        for data in items:
            (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:16])).write_bytes(data)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
