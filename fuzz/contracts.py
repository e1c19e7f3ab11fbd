"""The contract of every parser of untrusted input: one function per fuzz target, bytes in.

Each target feeds the bytes to a parser and lets through only the documented error type; any
other exception (or a broken invariant, raised as ContractBroken) is a bug. The same functions
serve the atheris harness (fuzz/run.py) and the replay tests (tests/fuzz/test_replay.py), so a
crash found by the fuzzer and saved to tests/fuzz/crashes/ is replayed on every test run.
"""

from __future__ import annotations

import atexit
import io
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from xml.parsers.expat import ExpatError

from defusedxml.minidom import parseString

import badges
import skilltree
from badges import BadgeFormatError, BakingError, LookupUnavailable, StoredAssertion, Verdict
from issuer.errors import Refused
from issuer.game_sessions.bulk import MAX_ROWS, BulkRow, parse_csv
from skilltree import SkillTreeError

__all__ = ["BASE", "KEY_ID", "NOW", "TARGETS", "ContractBroken", "MemoryIssuer", "issuer"]

HERE = Path(__file__).resolve().parent
BASE = "https://palier.fuzz"
KEY_ID = f"{BASE}/keys/1"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
EMAIL = "lea@example.org"


class ContractBroken(AssertionError):
    """A parser answered, but its answer breaks a documented invariant."""


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise ContractBroken(what)


# --- skill tree (YAML) ---------------------------------------------------------------------


@cache
def _image_dir() -> Path:
    """A folder holding one real PNG and one SVG, so image paths in fuzzed trees can resolve."""
    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="palier-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 120, 200)).save(out, "PNG")
    (folder / "a.png").write_bytes(out.getvalue())
    (folder / "b.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    return folder


def tree(data: bytes) -> None:
    """parse_tree gives a SkillTree whose questions answer, or a SkillTreeError with problems."""
    # surrogateescape keeps invalid UTF-8 reachable: parse_tree must refuse it in French.
    text = data.decode("utf-8", errors="surrogateescape")
    try:
        result = skilltree.parse_tree(text, "fuzz.yaml", base_dir=_image_dir())
    except SkillTreeError as exc:
        _require(bool(exc.problems), "SkillTreeError without any problem")
        _require(
            all(isinstance(p.message, str) and p.message for p in exc.problems), "a problem without a message"
        )
        return
    # A tree that loads must answer its pure questions for any learner.
    order = result.topological_order()
    _require(len(order) == len(result.skills), "topological order loses skills")
    for earned in (frozenset(), frozenset(s.id for s in result.skills[:3])):
        states = result.status(earned)
        _require(set(states) == {s.id for s in result.skills}, "status misses a skill")
    # Tree text ends up in SVG emblems (XML) and badge documents (UTF-8): both must be writable.
    for skill in result.skills[:5]:
        svg = skilltree.emblem_svg(skill, result.branch(skill.branch))
        try:
            parseString(svg.encode("utf-8"), forbid_dtd=True)
        except (ExpatError, UnicodeEncodeError) as exc:
            raise ContractBroken(f"the emblem of {skill.id!r} is not well-formed XML") from exc


# --- baked images ------------------------------------------------------------------------

_PAYLOAD = f"{BASE}/assertions/42"


def _bakes_back(bake: Callable[[], bytes], extract: Callable[[bytes], str], steps: str) -> None:
    """An image ``bake`` accepts (it may refuse with BakingError) gives ``_PAYLOAD`` back to ``extract``."""
    try:
        baked = bake()
    except BakingError:
        return
    _require(extract(baked) == _PAYLOAD, f"{steps} loses the badge")


def png(data: bytes) -> None:
    """extract_png answers text or BakingError; a PNG we can bake gives back what was baked."""
    try:
        text = badges.extract_png(data)
        _require(isinstance(text, str) and text == text.strip() and text, "empty or padded text")
    except BakingError:
        pass
    _bakes_back(lambda: badges.bake_png(data, _PAYLOAD), badges.extract_png, "bake_png then extract_png")


def svg(data: bytes) -> None:
    """extract_svg answers text or BakingError; an SVG we can bake gives back what was baked."""
    try:
        text = badges.extract_svg(data)
        _require(isinstance(text, str) and bool(text.strip()), "empty text")
    except BakingError:
        pass
    _bakes_back(
        lambda: badges.bake_svg(data, _PAYLOAD, signed=True), badges.extract_svg, "bake_svg then extract_svg"
    )


def extract(data: bytes) -> None:
    """extract (PNG or SVG, sniffed) answers text or BakingError."""
    try:
        text = badges.extract(data)
    except BakingError:
        return
    _require(isinstance(text, str) and bool(text.strip()), "empty text")


# --- signed badges and verification ------------------------------------------------------


class MemoryIssuer:
    """An in-memory Lookup holding a valid, a revoked and an expired assertion; can be 'down'."""

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.keys: dict[str, str] = {}
        self.records: dict[str, StoredAssertion] = {}
        self.tokens: dict[str, str] = {}

    def _check(self, value: str) -> None:
        # Like a database driver: anything but a UTF-8-encodable string is a crash, not a miss.
        _require(isinstance(value, str), "the verifier asked its lookup about a non-string")
        value.encode("utf-8")
        if self.down:
            raise LookupUnavailable("base de données indisponible")

    def owns(self, url: str) -> bool:
        """Ids under BASE are ours."""
        self._check(url)
        return url.startswith(BASE + "/")

    def find_assertion(self, assertion_id: str) -> StoredAssertion | None:
        """Look a record up by id."""
        self._check(assertion_id)
        return self.records.get(assertion_id)

    def public_key(self, key_id: str) -> str | None:
        """Look a key up by id."""
        self._check(key_id)
        return self.keys.get(key_id)


def _private_key() -> bytes:
    # A throw-away key committed on purpose (fuzzing only), so that the signed seeds in the
    # corpus verify on every run: a key generated at start-up would make them all "modified".
    return (HERE / "fuzz_only_key.pem").read_bytes()


@cache
def issuer() -> MemoryIssuer:
    """The healthy lookup, with its three records and the tokens signing them, built once."""
    lookup = MemoryIssuer()
    lookup.keys[KEY_ID] = badges.public_key_pem(_private_key())
    cases = {"1": {}, "2": {"revoked": True}, "3": {"expires": NOW - timedelta(days=1)}}
    for number, case in cases.items():
        document = badges.assertion(
            id=f"{BASE}/assertions/{number}",
            badge=f"{BASE}/badges/cooperation-1/v1",
            recipient=badges.hash_recipient(EMAIL, salt=f"sel-{number}"),
            issued_on=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
            verification=badges.hosted_verification(),
            expires=case.get("expires"),
            narrative="A aidé son équipe <b>à finir</b> le niveau.",
        )
        twin = {**document, "verification": badges.signed_verification(KEY_ID)}
        token = badges.sign_assertion(twin, _private_key())
        lookup.records[document["id"]] = StoredAssertion(
            id=document["id"],
            document=document,
            jws=token,
            key_id=KEY_ID,
            revoked=bool(case.get("revoked")),
            revocation_reason="Erreur" if case else None,
        )
        lookup.tokens[number] = token
    return lookup


@cache
def _down() -> MemoryIssuer:
    return MemoryIssuer(down=True)


def jws(data: bytes) -> None:
    """read_unverified answers (header, payload) dicts or BadgeFormatError, as bytes or text."""
    for token in (data, data.decode("latin-1")):
        try:
            header, payload = badges.read_unverified(token)
        except BadgeFormatError:
            continue
        _require(isinstance(header, dict) and isinstance(payload, dict), "parts are not objects")
        _require(isinstance(header.get("alg"), str), "a header without alg got through")


_ISSUED_VERDICTS = {Verdict.VALID, Verdict.REVOKED, Verdict.EXPIRED}


def _check_report(report: badges.Report) -> None:
    _require(isinstance(report, badges.Report), "verify_badge returned no Report")
    _require(report.verdict in Verdict, "unknown verdict")
    _require(
        bool(report.reasons) and all(isinstance(r, str) and r for r in report.reasons),
        "a report without reasons",
    )
    _require(
        (report.assertion is not None) == (report.verdict in _ISSUED_VERDICTS),
        "an assertion shown without an issued verdict (or the reverse)",
    )
    report.as_dict()  # the JSON API must be able to answer


def verify(data: bytes) -> None:
    """verify_badge never raises; a 'down' issuer never yields valid, revoked or expired."""
    healthy, down = issuer(), _down()
    # Bytes as uploaded, and text as pasted; surrogateescape keeps lone surrogates reachable, as a
    # JSON string "\ud800" would produce them.
    inputs: list[bytes | str] = [data, data.decode("utf-8", errors="surrogateescape")]
    for badge in inputs:
        report = badges.verify_badge(badge, healthy, now=NOW, identity=EMAIL)
        _check_report(report)
        if report.verdict is Verdict.VALID:
            _require(
                report.assertion == healthy.records[f"{BASE}/assertions/1"].document,
                "valid verdict for something the issuer never issued as valid",
            )
        report = badges.verify_badge(badge, down, now=NOW)
        _check_report(report)
        _require(report.verdict not in _ISSUED_VERDICTS, "an answer without the issuer's records")


# --- CSV import --------------------------------------------------------------------------


def csv(data: bytes) -> None:
    """parse_csv answers 1..MAX_ROWS rows of plain text, or Refused with a French message."""
    try:
        rows = parse_csv(data)
    except Refused as exc:
        _require(isinstance(exc.message, str) and bool(exc.message), "Refused without message")
        return
    _require(0 < len(rows) <= MAX_ROWS, "row count out of bounds")
    for row in rows:
        _require(isinstance(row, BulkRow) and isinstance(row.line, int), "not a BulkRow")
        for value in (row.learner_ref, row.skill_id, row.narrative, row.url or ""):
            _require(isinstance(value, str) and "\x00" not in value, "a cell is not plain text")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "tree": tree,
    "png": png,
    "svg": svg,
    "extract": extract,
    "jws": jws,
    "verify": verify,
    "csv": csv,
}
