"""Bulk award (a session's participants, a tournament's CSV): all-or-nothing, with a report per row."""

from __future__ import annotations

import csv
import functools
import gc
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ParamSpec, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import audit
from ..accounts.permissions import Action, may, require_award
from ..awarding import twins
from ..awarding.badgeclasses import current_version
from ..awarding.service import (
    Evidence,
    check_awardable,
    check_evidence,
    mint_assertion,
    sign_minted,
    skill_name,
)
from ..errors import Code, PalierError, Refused
from ..learners.service import fold
from ..models import Assertion, BulkRequest, Learner, User
from ..network.links import held_elsewhere
from ..runtime import Runtime

MAX_ROWS = 1000
MAX_CSV_BYTES = 512 * 1024

CREATED, ALREADY, ERROR = "délivré", "déjà obtenu", "erreur"


@dataclass(frozen=True)
class BulkRow:
    """One award asked for: a learner (id or exact name), a skill, what was observed."""

    line: int
    learner_ref: str
    skill_id: str
    narrative: str
    url: str | None = None
    refusal: PalierError | None = None  # known wrong before the award (an unknown badge name...)
    label: str = ""  # how the row names the learner, for the report (the reference otherwise)


@dataclass(frozen=True)
class RowResult:
    """What became of one row."""

    line: int
    learner: str
    skill: str
    status: str
    message: str = ""
    code: str = ""  # the refusal's code, for rows that were not awarded


@dataclass
class BulkReport:
    """The per-row report of a bulk award."""

    rows: list[RowResult] = field(default_factory=list)
    replayed: bool = False

    @property
    def created(self) -> int:
        """How many badges were awarded."""
        return sum(r.status == CREATED for r in self.rows)

    @property
    def skipped(self) -> int:
        """How many rows were already held (nothing to do)."""
        return sum(r.status == ALREADY for r in self.rows)

    @property
    def errors(self) -> list[RowResult]:
        """The rows that stopped the whole award."""
        return [r for r in self.rows if r.status == ERROR]

    def to_json(self) -> str:
        """The report, serialised to be remembered."""
        # vars() rather than asdict(): the fields are plain values, and asdict deep-copies each one.
        return json.dumps([vars(r) for r in self.rows], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BulkReport:
        """A remembered report, marked as a replay."""
        return cls(rows=[RowResult(**r) for r in json.loads(text)], replayed=True)


class BulkRejected(PalierError):
    """At least one row is wrong: nothing was awarded."""

    status = 422

    def __init__(self, report: BulkReport) -> None:
        super().__init__(Code.BULK_ROWS_REFUSED, count=len(report.errors))
        self.report = report


def _resolve_learners(db: Session, rows: list[BulkRow]) -> dict[str, Learner | PalierError]:
    """Map each learner reference to a learner, or to the refusal saying why it cannot be used."""
    refs = {r.learner_ref.strip() for r in rows}
    ids = {int(ref) for ref in refs if ref.isdigit()}
    names = {ref for ref in refs if not ref.isdigit()}
    found: dict[str, Learner | PalierError] = {}
    live = Learner.erased_at.is_(None)
    for learner in db.scalars(select(Learner).where(Learner.id.in_(ids), live)) if ids else ():
        found[str(learner.id)] = learner
    if names:
        by_name: dict[str, list[Learner]] = {}
        for learner in db.scalars(select(Learner).where(Learner.display_name.in_(names), live)):
            by_name.setdefault(learner.display_name, []).append(learner)
        for name, people in by_name.items():
            found[name] = (
                people[0] if len(people) == 1 else Refused(Code.LEARNER_AMBIGUOUS_IN_ROW, ref=name[:60])
            )
    for ref in refs:
        found.setdefault(ref, Refused(Code.LEARNER_UNKNOWN_IN_ROW, ref=ref[:60]))
    return found


def _earned(db: Session, learner_ids: set[int]) -> dict[int, set[str]]:
    earned: dict[int, set[str]] = {i: set() for i in learner_ids}
    if learner_ids:
        query = select(Assertion.learner_id, Assertion.skill_id).where(
            Assertion.learner_id.in_(learner_ids), Assertion.revoked_at.is_(None)
        )
        for learner_id, skill_id in db.execute(query):
            earned[learner_id].add(skill_id)
    return earned


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _cycle_collector_paused(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with Python's cycle collector paused (and restored after, even on error)."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        # A batch makes thousands of short-lived objects, which sets off full collections that walk
        # the whole app's heap (about 0.1 s each, measured). Refcounting still frees the batch's
        # objects; cycles wait until the (bounded) batch ends.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


def previous_report(db: Session, token: str) -> BulkReport | None:
    """The report of the bulk award already carried out under ``token`` (as a replay), or None."""
    row = db.scalars(select(BulkRequest).where(BulkRequest.token == (token or "").strip()[:64])).first()
    return None if row is None else BulkReport.from_json(row.report)


@_cycle_collector_paused
def bulk_award(
    db: Session,
    rt: Runtime,
    *,
    rows: list[BulkRow],
    actor: User | None,
    now: datetime,
    token: str,
    session_id: int | None = None,
    game: str = "",
    dry_run: bool = False,
) -> BulkReport:
    """Award every row or none; a token already used returns the first report and changes nothing.

    ``dry_run`` checks every row and reports what would be awarded, without signing or writing anything.
    """
    token = (token or "").strip()[:64]
    if not token:
        raise Refused(Code.BULK_TOKEN_MISSING)
    previous = previous_report(db, token)
    if previous is not None:
        return previous
    if not rows:
        raise Refused(Code.BULK_EMPTY)
    if len(rows) > MAX_ROWS:
        raise Refused(Code.BULK_TOO_MANY, max=MAX_ROWS)

    learners = _resolve_learners(db, rows)
    earned = _earned(db, {v.id for v in learners.values() if isinstance(v, Learner)})
    elsewhere = held_elsewhere(db, set(earned))
    report, plan = BulkReport(), []
    tree = rt.tree
    may_override = may(db, actor, Action.ADMINISTER)
    for row in rows:
        who = learners[row.learner_ref.strip()]
        label = who.display_name if isinstance(who, Learner) else (row.label or row.learner_ref)[:60]
        try:
            if row.refusal is not None:
                raise row.refusal
            if not isinstance(who, Learner):
                raise who
            evidence = check_evidence(Evidence(row.narrative, game=game, url=row.url))
            named = skill_name(rt, row.skill_id)
            require_award(db, actor, skill_id=row.skill_id, skill_name=named, session_id=session_id)
            check_awardable(rt, row.skill_id, earned[who.id], may_override, None, elsewhere[who.id])
        except PalierError as exc:
            status = ALREADY if exc.code == "already_earned" else ERROR
            report.rows.append(RowResult(row.line, label, row.skill_id, status, exc.message, str(exc.code)))
            continue
        earned[who.id].add(row.skill_id)  # later rows may build on this one, and never repeat it
        plan.append((row, who, evidence))
        report.rows.append(RowResult(row.line, label, tree.skill(row.skill_id).name, CREATED))
    if report.errors:
        raise BulkRejected(report)
    if dry_run:
        return report

    key = rt.keys.signing(db)
    classes = {skill: current_version(db, rt, skill, now) for skill in {row.skill_id for row, _, _ in plan}}
    values = sign_minted(
        db,
        rt,
        key,
        [
            mint_assertion(
                rt,
                learner=learner,
                badge_class=classes[row.skill_id],
                key=key,
                evidence=evidence,
                now=now,
                actor=actor,
                session_id=session_id,
            )
            for row, learner, evidence in plan
        ],
        now,
    )
    # One multi-row INSERT, not an ORM object per badge: the unit of work was a third of the non-signing time.
    if values:  # an empty list would be read as one row of defaults
        db.execute(insert(Assertion), values)
    # The audit lines too: one INSERT rather than an ORM object each (about 90 µs a badge, measured).
    audit.record_many(
        db,
        [
            audit.values(
                actor, "award", value["uid"], now, skill=row.skill_id, learner=learner.id, bulk=token
            )
            for (row, learner, _), value in zip(plan, values, strict=False)
        ],
    )
    db.add(BulkRequest(token=token, created_at=now, report=report.to_json()))
    db.flush()
    # Whoever confirmed an address for their backpack gets the e-mail version of what they just earned.
    people = {learner.id: learner for _, learner, _ in plan}
    for learner_id, email in twins.confirmed_addresses(db, set(people)).items():
        twins.issue_twins(db, rt, people[learner_id], email, now=now, actor=actor, by=None)
    return report


_COLUMNS = {
    "apprenant": "learner",
    "jeune": "learner",
    "identifiant": "learner",
    "pseudo": "learner",
    "learner": "learner",
    "joueur": "learner",
    "joueuse": "learner",
    "participant": "learner",
    "participante": "learner",
    "prenom": "learner",
    "nom": "learner",
    "competence": "skill",
    "badge": "skill",
    "skill": "skill",
    "observation": "narrative",
    "observations": "narrative",
    "preuve": "narrative",
    "evidence": "narrative",
    "lien": "url",
    "url": "url",
}


def parse_csv(data: bytes) -> list[BulkRow]:
    """Read a tournament's results: columns jeune, competence, observation (lien optional); ; or , separated."""
    if len(data) > MAX_CSV_BYTES:
        raise Refused(Code.CSV_TOO_LARGE, max=MAX_CSV_BYTES // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # spreadsheets saved on Windows
    if "\x00" in text:
        raise Refused(Code.CSV_UNREADABLE)
    lines = text.splitlines()
    if not lines:
        raise Refused(Code.CSV_EMPTY)
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [fold(h) for h in next(reader)]  # « Compétence », « PSEUDO » and « competence » alike
    except (StopIteration, csv.Error):
        raise Refused(Code.CSV_EMPTY) from None
    columns = {_COLUMNS[h]: i for i, h in enumerate(header) if h in _COLUMNS}
    missing = [
        label
        for key, label in (("learner", "jeune"), ("skill", "competence"), ("narrative", "observation"))
        if key not in columns
    ]
    if missing:
        raise Refused(Code.CSV_MISSING_COLUMNS, missing=", ".join(missing))
    rows: list[BulkRow] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise Refused(Code.CSV_TOO_MANY_ROWS, max=MAX_ROWS)

            def cell(key: str, record: list[str] = record) -> str:
                return record[columns[key]].strip() if key in columns and columns[key] < len(record) else ""

            if not cell("skill") and not cell("narrative"):
                continue  # a player listed with nothing observed (the template lists every participant)
            rows.append(
                BulkRow(
                    reader.line_num, cell("learner"), cell("skill"), cell("narrative"), cell("url") or None
                )
            )
    except csv.Error as exc:
        raise Refused(Code.CSV_BAD_LINE, line=reader.line_num, detail=str(exc)[:200]) from None
    if not rows:
        raise Refused(Code.CSV_NO_ROWS)
    return rows
