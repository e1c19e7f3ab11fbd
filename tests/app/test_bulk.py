"""Bulk award and tournament CSV import: all-or-nothing, one report per row, never a duplicate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from issuer.errors import Refused
from issuer.game_sessions import bulk
from issuer.learners import service as learners
from issuer.models import Assertion, utcnow


def _count(dbs):
    return dbs.scalar(select(func.count()).select_from(Assertion))


@pytest.fixture
def people(dbs):
    rows = [
        learners.create_learner(dbs, learners.LearnerData(n), actor=None, now=utcnow())
        for n in ("Lina", "Noé", "Sacha")
    ]
    dbs.commit()
    return rows


def _tier1(rt):
    status = rt.tree.status(set())
    return [s.id for s in rt.tree.topological_order() if status[s.id].status == "unlocked"]


def _rows(people, skill, narrative="A aidé son équipe."):
    return [bulk.BulkRow(i + 2, str(p.id), skill, narrative) for i, p in enumerate(people)]


def test_bulk_award_creates_every_row_in_one_go(dbs, rt, people):
    report = bulk.bulk_award(dbs, rt, rows=_rows(people, _tier1(rt)[0]), actor=None, now=utcnow(), token="t1")
    dbs.commit()
    assert report.created == 3 and not report.errors and _count(dbs) == 3


def test_bulk_award_sent_twice_returns_the_first_report_and_creates_nothing(dbs, rt, people):
    rows = _rows(people, _tier1(rt)[0])
    bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="same")
    dbs.commit()
    again = bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="same")
    dbs.commit()
    assert again.replayed and again.created == 3 and _count(dbs) == 3


def test_bulk_award_with_a_new_token_skips_badges_already_held(dbs, rt, people):
    rows = _rows(people, _tier1(rt)[0])
    bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="a")
    dbs.commit()
    report = bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="b")
    dbs.commit()
    assert report.created == 0 and report.skipped == 3 and _count(dbs) == 3


def test_bulk_award_with_one_bad_row_awards_nothing_and_reports_each_row(dbs, rt, people):
    rows = [*_rows(people, _tier1(rt)[0]), bulk.BulkRow(9, "Inconnu", _tier1(rt)[0], "vu")]
    with pytest.raises(bulk.BulkRejected) as err:
        bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="t")
    dbs.rollback()
    report = err.value.report
    assert [r.status for r in report.rows] == [bulk.CREATED] * 3 + [bulk.ERROR]
    assert "Inconnu" in report.rows[-1].message
    assert _count(dbs) == 0


def test_bulk_award_accepts_a_prerequisite_earned_earlier_in_the_same_batch(dbs, rt, people):
    first = _tier1(rt)[0]
    status = rt.tree.status({first})
    follow = next(
        s.id for s in rt.tree.topological_order() if status[s.id].status == "unlocked" and s.tier == 2
    )
    rows = [bulk.BulkRow(2, str(people[0].id), first, "vu"), bulk.BulkRow(3, str(people[0].id), follow, "vu")]
    report = bulk.bulk_award(dbs, rt, rows=rows, actor=None, now=utcnow(), token="chain")
    dbs.commit()
    assert report.created == 2


def test_parse_csv_reads_french_spreadsheet_exports():
    data = "jeune;competence;observation;lien\nLina;cooperation-1;A partagé ses soins.;\n2;communication-1;Annonce claire;https://exemple.fr/v\n"
    rows = bulk.parse_csv(data.encode("cp1252"))
    assert [(r.learner_ref, r.skill_id, r.url) for r in rows] == [
        ("Lina", "cooperation-1", None),
        ("2", "communication-1", "https://exemple.fr/v"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"nom,age\nLina,12\n", "Colonnes manquantes"),
        (b"jeune;competence;observation\n", "aucune ligne"),
        (b"\x00\x01\x02PK", "pas un CSV"),
        (b"x" * (600 * 1024), "dépasse"),
    ],
)
def test_parse_csv_refuses_bad_files_in_french(data, message):
    with pytest.raises(Refused, match=message):
        bulk.parse_csv(data)
