"""Reading a badge out of hostile SVG uploads at the size limit, against expat alone on the same bytes.

Each case is a file of ``MAX_UPLOAD`` bytes built to cost as much as possible (elements, nesting,
attributes, namespace declarations, line breaks, CDATA, comments, a second badge far away, UTF-16,
and our own PNG-wrapped badge). For each, the CPU time of ``badges.extract_svg`` is compared, in the
same run, with expat parsing the whole file with no handler at all (what any reader that checks the
file as XML pays) and, for scale, with SHA-256 of the same bytes (reading them once). The figures are
the case dearest against expat alone, and the longest case against the budget of issue #12: 50 ms
per upload, whatever its content, up to the size limit (a fixed budget, not a measure).
``python -m benchmarks.svg`` prints the figures.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from xml.parsers import expat

from .table import Figure, judged

KEY, BUDGET_KEY = "svg_extract", "svg_extract_budget"
TARGET = 1.0  # never more than expat reading the whole file with no handler
BUDGET_MS = 50.0
ROOT = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="http://openbadges.org">'
BADGE = b'<o:assertion verify="https://palier.example/assertions/1"/>'
END = b"</svg>"


@dataclass(frozen=True)
class Case:
    """A hostile file and what extraction must answer: the badge's text, or a refusal code."""

    name: str
    data: bytes
    expected: str


def _filled(head: bytes, unit: bytes, tail: bytes, size: int) -> bytes:
    return head + unit * max(0, (size - len(head) - len(tail)) // len(unit)) + tail


def _tag_with(count: int, template: bytes) -> bytes:
    return b"<g " + b" ".join(template % i for i in range(count)) + b"/>"


def cases(size: int) -> list[Case]:
    """The worst inputs found for the stream, each as close to ``size`` bytes as it can be."""
    url = "https://palier.example/assertions/1"
    attributes = max(1, (size - 200) // 12)
    utf16_head, utf16_unit = (ROOT + BADGE).decode().encode("utf-16"), "\n".encode("utf-16-le")
    png_wrapped = (
        ROOT + BADGE + b'<image width="256" height="256" href="data:image/png;base64,',
        b"A",
        b'=="/>' + END,
    )
    return [
        Case(
            "480 000 <g/> (la revue)", ROOT + b"<g/>" * min(480_000, size // 4) + BADGE + END, "too_complex"
        ),
        Case("<g/> jusqu'à la limite", _filled(ROOT, b"<g/>", BADGE + END, size), "too_complex"),
        Case("<g> imbriqués", _filled(ROOT, b"<g>", BADGE + END, size), "too_deep"),
        Case(
            "une balise, des attributs",
            ROOT + _tag_with(attributes, b'a%07d=""') + BADGE + END,
            "too_complex",
        ),
        Case(
            "une balise, des xmlns",
            ROOT + _tag_with(max(1, (size - 200) // 19), b'xmlns:a%07d="u"') + BADGE + END,
            "too_complex",
        ),
        Case("sauts de ligne avant le badge", _filled(ROOT, b"\r", BADGE + END, size), "no_badge"),
        Case(
            "CDATA de crochets", _filled(ROOT + b"<![CDATA[", b"]", b"x]]>" + BADGE + END, size), "no_badge"
        ),
        Case("instructions de traitement", _filled(ROOT, b"<?a b?>", BADGE + END, size), "no_badge"),
        Case("références de caractères", _filled(ROOT, b"&#x41;", BADGE + END, size), "no_badge"),
        Case(
            "faux badges en commentaire",
            _filled(ROOT, b"<!--<o:assertion/>-->", BADGE + END, size),
            "no_badge",
        ),
        Case("nom d'élément géant", _filled(ROOT + b"<", b"g", b"/>" + BADGE + END, size), "no_badge"),
        Case("badge puis <g/>", _filled(ROOT + BADGE, b"<g/>", END, size), url),
        Case(
            "badge puis « assertions » partout", _filled(ROOT + BADGE, b"<b>assertions</b>", END, size), url
        ),
        Case("badge puis un second, loin", _filled(ROOT + BADGE, b" ", BADGE + END, size), "duplicate"),
        Case(
            "UTF-16, badge puis sauts de ligne",
            _filled(utf16_head, utf16_unit, END.decode().encode("utf-16-le"), size),
            url,
        ),
        Case("notre badge, PNG en data: URI", _filled(*png_wrapped, size), url),
    ]


def _cpu_ms(work: Callable[[], object], repeats: int) -> float:
    """Median CPU time of ``work`` in milliseconds; exceptions are part of the work."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        try:
            work()
        except Exception:  # a refusal is an answer: its cost is what is measured
            pass
        times.append((time.process_time() - start) * 1000)
    return median(times)


def _expat_alone(data: bytes) -> None:
    expat.ParserCreate(namespace_separator=" ").Parse(data, True)


def _answer(data: bytes) -> str:
    from badges import BakingError, extract_svg

    try:
        return extract_svg(data)
    except BakingError as exc:
        return exc.code


@dataclass(frozen=True)
class Measure:
    """One case's CPU times, in milliseconds."""

    name: str
    size: int
    extract_ms: float
    expat_ms: float
    sha256_ms: float


def measure(case: Case, repeats: int) -> Measure:
    """Check what extraction answers, then time it, expat alone and SHA-256, in alternation."""
    from badges import extract_svg

    answer = _answer(case.data)
    if answer != case.expected:
        raise RuntimeError(f"{case.name} : réponse « {answer} » au lieu de « {case.expected} »")
    extract, alone, digest = [], [], []
    for _ in range(repeats):  # alternated, so that a burst of load hits all three alike
        extract.append(_cpu_ms(lambda: extract_svg(case.data), 1))
        alone.append(_cpu_ms(lambda: _expat_alone(case.data), 1))
        digest.append(_cpu_ms(lambda: hashlib.sha256(case.data).digest(), 1))
    return Measure(case.name, len(case.data), median(extract), median(alone), median(digest))


def figures(measures: list[Measure], size: int, dom_ms: float | None = None) -> list[Figure]:
    """The case dearest against expat alone on its bytes, and the longest case against 50 ms."""
    dearest = max(measures, key=lambda m: m.extract_ms / m.expat_ms)
    longest = max(measures, key=lambda m: m.extract_ms)
    mib = size / (1024 * 1024)
    values = {
        "size": size,
        "cases": {
            m.name: {
                "extract_ms": round(m.extract_ms, 3),
                "expat_ms": round(m.expat_ms, 3),
                "sha256_ms": round(m.sha256_ms, 3),
            }
            for m in measures
        },
    }
    if dom_ms is not None:
        values["dom_ms"] = round(dom_ms, 1)
    dom = f" ; l'ancien extracteur (minidom) : {dom_ms:.0f} ms sur 480 000 <g/>" if dom_ms else ""
    return [
        judged(
            Figure(
                KEY,
                f"extraction SVG hostile, {len(measures)} cas à {mib:.0f} Mio : le plus cher",
                ratio=dearest.extract_ms / dearest.expat_ms,
                target=TARGET,
                measured=f"{dearest.extract_ms:.1f} ms",
                limit=f"{dearest.expat_ms:.1f} ms (expat seul, mêmes octets)",
                note=f"« {dearest.name} » ; SHA-256 des mêmes octets : "
                f"{dearest.sha256_ms:.1f} ms ; médianes de temps CPU{dom}",
                values=values,
            )
        ),
        judged(
            Figure(
                BUDGET_KEY,
                "le cas le plus long, contre le budget de l'issue #12",
                ratio=longest.extract_ms / BUDGET_MS,
                target=1.0,
                measured=f"{longest.extract_ms:.1f} ms",
                limit=f"{BUDGET_MS:.0f} ms (budget fixé)",
                note=f"« {longest.name} » ({longest.extract_ms / longest.expat_ms:.2f}× expat "
                f"seul) ; budget de l'issue #12, pas une mesure : ≤ 50 ms par envoi",
                values={"case": longest.name, "extract_ms": round(longest.extract_ms, 3)},
            )
        ),
    ]


def _dom_ms() -> float:
    """The extractor before the stream: a minidom tree of the review's 480,000 <g/> (one run)."""
    from defusedxml.minidom import parseString

    data = ROOT + b"<g/>" * 480_000 + BADGE + END
    return _cpu_ms(lambda: parseString(data).getElementsByTagNameNS("http://openbadges.org", "assertion"), 1)


def run(size: int | None = None, repeats: int = 7, with_dom: bool = True) -> list[Figure]:
    """Measure every case at ``size`` bytes (the upload limit by default)."""
    from badges import MAX_UPLOAD

    size = MAX_UPLOAD if size is None else size
    measures = [measure(case, repeats) for case in cases(size)]
    return figures(measures, size, _dom_ms() if with_dom else None)


if __name__ == "__main__":
    from .table import format_table

    print(format_table(run()))
