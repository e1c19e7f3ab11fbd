"""A tournament's results as people write them: badge names or ids, pseudos, a preview, then one commit.

A row names its badge by name or id (case, accents and stray spaces ignored; a close name is suggested)
and its player by pseudo or id (the session's participants first). Players not yet recorded can be
created from the file when the mediator agrees, with the age band asked once. The preview runs
every check of the real award (players created, then rolled back), so it says what the commit will do.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skilltree import SkillTree

from ..errors import Code, PalierError, Refused
from ..learners import service as learners
from ..learners.service import fold
from ..models import AgeBand, GameSession, Learner, User
from ..runtime import Runtime
from . import bulk
from .bulk import BulkRejected, BulkReport, BulkRow

TEMPLATE_HEADER = ("Pseudo", "Compétence", "Observation", "Lien")
_LEVEL = re.compile(r"\s*\((?:niveau|palier|level)\s*\d+\)\s*$")


@dataclass(frozen=True)
class Preview:
    """What importing a file would do: the per-row report, and the players it would record."""

    report: BulkReport
    new_people: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the commit would award every row (no row in error)."""
        return not self.report.errors


def skill_of(tree: SkillTree, ref: str) -> str:
    """The id of the skill a cell names (its id or its name, any case, any accents), or a refusal."""
    # « Jouer ensemble (niveau 1) », as the list on the session page writes it, names « Jouer ensemble ».
    wanted = _LEVEL.sub("", fold(ref)).strip()
    if not wanted:
        raise Refused(Code.SKILL_MISSING_IN_ROW)
    by_key: dict[str, str] = {}
    for skill in tree.skills:
        by_key.setdefault(fold(skill.id), skill.id)
        by_key.setdefault(fold(skill.name), skill.id)
    if wanted in by_key:
        return by_key[wanted]
    names = {fold(s.name): s.name for s in tree.skills}
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.75)
    if close:
        raise Refused(Code.SKILL_UNKNOWN_SUGGEST, ref=ref[:80], suggestion=names[close[0]])
    raise Refused(Code.NO_SUCH_SKILL, skill=ref[:80])


def _people_index(
    db: Session, session: GameSession
) -> tuple[dict[str, list[Learner]], dict[str, list[Learner]]]:
    """Live learners by folded name: the session's participants, and everyone."""
    participants: dict[str, list[Learner]] = {}
    for person in session.participants:
        if person.erased_at is None:
            participants.setdefault(fold(person.display_name), []).append(person)
    everyone: dict[str, list[Learner]] = {}
    for person in db.scalars(select(Learner).where(Learner.erased_at.is_(None))):
        everyone.setdefault(fold(person.display_name), []).append(person)
    return participants, everyone


def resolve(
    db: Session, rt: Runtime, session: GameSession, rows: list[BulkRow]
) -> tuple[list[BulkRow], list[str]]:
    """Rows with their skill and player resolved to ids (or a refusal each); the pseudos not yet recorded."""
    participants, everyone = _people_index(db, session)
    resolved: list[BulkRow] = []
    missing: list[str] = []
    for row in rows:
        refusal: PalierError | None = None
        try:
            skill = skill_of(rt.tree, row.skill_id)
        except PalierError as exc:
            skill, refusal = row.skill_id, exc
        ref = " ".join(row.learner_ref.split())
        key = fold(ref)
        found = participants.get(key) or everyone.get(key) or []
        if ref.isdigit():
            learner_ref = ref
        elif len(found) == 1:
            learner_ref = str(found[0].id)
        elif len(found) > 1:
            learner_ref, refusal = ref, refusal or Refused(Code.LEARNER_AMBIGUOUS_IN_ROW, ref=ref[:60])
        elif not ref:
            learner_ref, refusal = ref, refusal or Refused(Code.LEARNER_MISSING_IN_ROW)
        else:
            learner_ref = ref
            if key not in {fold(m) for m in missing}:
                missing.append(ref[:80])
        resolved.append(replace(row, learner_ref=learner_ref, skill_id=skill, refusal=refusal, label=ref))
    return resolved, missing


def _record_people(
    db: Session, session: GameSession, names: list[str], age_band: str, actor: User | None, now: datetime
) -> dict[str, str]:
    """Record the players the file names and adds them to the session; their folded name -> id."""
    if age_band not in {b.value for b in AgeBand}:
        raise Refused(Code.AGE_BAND_REQUIRED)
    created = {}
    for name in names:
        person = learners.create_learner(db, learners.LearnerData(name, None, age_band), actor=actor, now=now)
        session.participants.append(person)
        created[fold(name)] = str(person.id)
    db.flush()
    return created


def carry_out(
    db: Session,
    rt: Runtime,
    *,
    session: GameSession,
    data: bytes,
    create_missing: bool,
    age_band: str | None,
    actor: User | None,
    now: datetime,
    token: str,
    dry_run: bool = False,
) -> tuple[BulkReport, list[str]]:
    """Import ``data`` into ``session``: all rows awarded or none (the caller commits); the report and new names."""
    rows, missing = resolve(db, rt, session, bulk.parse_csv(data))
    if missing and create_missing:
        ids = _record_people(db, session, missing, age_band or "", actor, now)
        rows = [replace(r, learner_ref=ids.get(fold(r.learner_ref), r.learner_ref)) for r in rows]
    elif missing:
        rows = [
            replace(r, refusal=r.refusal or Refused(Code.LEARNER_NEW_IN_ROW, ref=r.learner_ref[:60]))
            if not r.learner_ref.isdigit()
            and r.refusal is None
            and fold(r.learner_ref) in {fold(m) for m in missing}
            else r
            for r in rows
        ]
    report = bulk.bulk_award(db, rt, rows=rows, actor=actor, now=now, token=token, session_id=session.id,
                             game=session.game, dry_run=dry_run)  # fmt: skip
    return report, missing


def preview(
    db: Session,
    rt: Runtime,
    *,
    session: GameSession,
    data: bytes,
    actor: User | None,
    now: datetime,
    token: str,
) -> Preview:
    """What importing would do, players created if the mediator agrees: checked, nothing signed, rolled back."""
    _rows, missing = resolve(db, rt, session, bulk.parse_csv(data))
    try:
        report, _ = carry_out(db, rt, session=session, data=data, create_missing=True,
                              age_band=AgeBand.TEEN.value, actor=actor, now=now, token=token,
                              dry_run=True)  # fmt: skip
    except BulkRejected as exc:
        report = exc.report
    finally:
        db.rollback()  # nothing of the preview is ever written
    if report.replayed:
        missing = []
    return Preview(report, tuple(missing))


def template(session: GameSession, tree: SkillTree) -> bytes:
    """A CSV to fill in, as a spreadsheet saves it: the session's players, a column for the badge's name."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    example = next(iter(tree.skills), None)
    people = [p.display_name for p in session.participants if p.erased_at is None]
    for n, name in enumerate(people or ["Pseudo du joueur ou de la joueuse"]):
        if n == 0 and example is not None:
            writer.writerow([name, example.name, "Ce que vous avez observé, en une phrase.", ""])
        else:
            writer.writerow([name, "", "", ""])
    return out.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8
