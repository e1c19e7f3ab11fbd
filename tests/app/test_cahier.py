"""The cahier des Open Badges: what the PDF says, for whom, and in which shape."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from factories import A4, OBSERVED, learner_with_badges, pdf_text, printed
from pypdf import PdfReader

from issuer.awarding import service as awarding
from issuer.cahier import printing as cahier_print
from issuer.learners import service as learners
from issuer.models import utcnow


def test_cahier_renders_a4_pages_with_cover_map_badges_and_employers_page(app, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 3)
    out = printed(app, dbs, rt, learner)
    reader = PdfReader(io.BytesIO(out.pdf))
    assert out.pdf.startswith(b"%PDF")
    assert out.pages == len(reader.pages) >= 4  # cover, map, badges, employers
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    text = pdf_text(out.pdf)
    assert "Cahier des Open Badges" in text
    assert "Mon arbre de compétences" in text
    assert "Pour les employeurs" in text
    for row in rows:
        assert row.badge_class.name in text
        assert cahier_print.short_code(row.uid) in text
    assert OBSERVED in text
    assert "3 badges obtenus" in text


def test_cahier_uses_the_badge_class_version_it_was_issued_with(app, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 1)
    rows[0].badge_class.name = "Nom tel que délivré"
    dbs.commit()
    assert "Nom tel que délivré" in pdf_text(printed(app, dbs, rt, learner).pdf)


def test_cahier_leaves_out_revoked_badges(app, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 3)
    gone = rows[1]
    awarding.revoke(dbs, rt, ref=gone.uid, reason="Erreur de saisie", actor=None, now=utcnow())
    dbs.commit()
    text = pdf_text(printed(app, dbs, rt, learner).pdf)
    assert cahier_print.short_code(gone.uid) not in text
    assert gone.uid[:8] not in text
    assert cahier_print.short_code(rows[0].uid) in text
    assert "2 badges obtenus" in text


def test_cahier_marks_expired_badges(app, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 2)
    rows[0].expires = utcnow() - timedelta(days=1)
    dbs.commit()
    text = pdf_text(printed(app, dbs, rt, learner).pdf).lower()
    assert "expiré" in text
    assert text.count("expiré depuis le") == 1


def test_cahier_shows_the_name_with_consent(app, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1, name="Lina Benali", public=True)
    out = printed(app, dbs, rt, learner)
    assert "Lina Benali" in pdf_text(out.pdf)
    assert out.filename == "cahier-open-badges-lina-benali.pdf"


@pytest.mark.parametrize(
    ("age", "public"), [("adult", False), ("under15", True)]
)  # under 15: a parent must agree too
def test_cahier_without_consent_prints_a_blank_name_line(app, dbs, rt, age, public):
    learner, _ = learner_with_badges(dbs, rt, 1, name="Yanis Secret", public=public, age=age)
    out = printed(app, dbs, rt, learner)
    text = pdf_text(out.pdf)
    assert "Yanis" not in text and "Secret" not in text
    assert "Nom :" in text
    assert out.filename == f"cahier-open-badges-{learner.id}.pdf"


def test_cahier_without_badges_still_prints(app, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 0)
    text = pdf_text(printed(app, dbs, rt, learner).pdf)
    assert "Pas encore de badge" in text
    assert "0 badges obtenus" in text


def test_cahier_refuses_more_badges_than_the_cap(app, dbs, rt):
    from issuer.errors import Refused

    learner, _ = learner_with_badges(dbs, rt, 2)
    app.config["PDF_MAX_BADGES"] = 1
    with pytest.raises(Refused, match="limitée à 1"):
        printed(app, dbs, rt, learner)


def test_cahier_of_an_erased_learner_is_not_found(app, dbs, rt):
    from issuer.errors import NotFound

    learner, _ = learner_with_badges(dbs, rt, 1)
    learners.erase(dbs, learner.id, actor=None, now=utcnow())
    dbs.commit()
    with pytest.raises(NotFound):
        printed(app, dbs, rt, learner)


def _page_texts(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_cahier_page_for_employers_comes_right_after_the_cover(app, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 2)
    pages = _page_texts(printed(app, dbs, rt, learner).pdf)
    assert "Cahier des Open Badges" in pages[0]
    assert "Pour les employeurs" in pages[1] and "Pour les employeurs" not in " ".join(pages[2:])
    assert "Mon arbre de compétences" in pages[2]
    assert "Mes badges" in pages[3]


def test_cahier_prints_three_badges_a_page(app, dbs, rt):
    learner, rows = learner_with_badges(dbs, rt, 16)
    out = printed(app, dbs, rt, learner)
    pages = _page_texts(out.pdf)[3:]  # after the cover, the employers' page and the map
    per_page = [sum(1 for row in rows if cahier_print.short_code(row.uid) in page) for page in pages]
    assert sum(per_page) == 16  # each badge on one page only: none is cut across two
    assert all(n >= 3 for n in per_page[:-1]), per_page
    assert out.pages == 3 + len(pages) <= 3 + 6
