"""The cahier renders hostile text as text, fetches nothing, embeds nothing; its QR codes scan."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from factories import learner_with_badges, pdf_text
from pypdf import PdfReader

from issuer.cahier import pdf as cahier
from issuer.cahier import printing as cahier_print
from issuer.models import utcnow

EVIL_TREE = """\
version: 1
name: "Arbre <script>alert(1)</script>"
description: "Un arbre piégé."
branches:
  - id: piege
    name: "<b>Branche</b> url(file:///etc/passwd)"
    description: "<style>body{display:none}</style>"
    colour: "#1E6FD9"
skills:
  - id: piege-1
    branch: piege
    tier: 1
    name: "<img src=http://evil.test/nom.png>Badge piégé"
    description: "<link rel=attachment href=file:///etc/passwd>Description"
    criteria: |
      Critère **en gras** <script>alert(1)</script>
      ![image](http://evil.test/critere.png) <img src="file:///etc/passwd">
  - id: piege-2
    branch: piege
    tier: 2
    name: "Suite\\" onload=\\"x"
    description: "Deuxième"
    criteria: "Rien."
    requires: piege-1
"""
HOSTILE_NAME = "<img src=http://evil.test/x.png>Lina"
HOSTILE_EVIDENCE = (
    '<link rel="attachment" href="file:///etc/passwd"><style>*{color:red}</style>'
    ' background: url(file:///etc/passwd) <img src="http://evil.test/e.png">'
)


@pytest.fixture
def evil_tree(rt, tmp_path):
    """Point the app at a tree whose every text is hostile."""
    path = tmp_path / "arbre-piege.yaml"
    path.write_text(EVIL_TREE, encoding="utf-8")
    # The runtime is frozen on purpose; only this test swaps the tree under it.
    object.__setattr__(rt, "tree_path", str(path))
    return rt.tree


def assert_fetched_only_data(fetched) -> None:
    """Everything WeasyPrint asked for was an inline data: URI (nothing from disk or network)."""
    assert fetched, "the fetcher is expected to serve the embedded images"
    assert all(url.startswith("data:") for url in fetched), [u for u in fetched if not u.startswith("data:")]


def test_cahier_hostile_learner_text_is_printed_literally_and_nothing_fetched(app, dbs, rt):
    learner, _ = learner_with_badges(
        dbs, rt, 2, name=HOSTILE_NAME, evidence=HOSTILE_EVIDENCE, game="<script>x</script>"
    )
    out = cahier_print.learner_cahier(dbs, rt, app.config, learner.id, utcnow())
    text = pdf_text(out.pdf)
    assert "<img src=http://evil.test/x.png>Lina" in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert "<script>x</script>" in text
    assert_fetched_only_data(out.fetched)
    assert b"/EmbeddedFile" not in out.pdf and b"/EmbeddedFiles" not in out.pdf


def test_cahier_hostile_tree_text_is_printed_literally_and_nothing_fetched(app, dbs, rt, evil_tree):
    learner, rows = learner_with_badges(dbs, rt, 1)
    assert rows[0].skill_id == "piege-1"
    out = cahier_print.learner_cahier(dbs, rt, app.config, learner.id, utcnow())
    text = pdf_text(out.pdf)
    assert "<img src=http://evil.test/nom.png>Badge piégé" in text
    assert "<script>alert(1)</script>" in text
    assert "<link rel=attachment href=file:///etc/passwd>Description" in text
    assert_fetched_only_data(out.fetched)
    assert b"/EmbeddedFile" not in out.pdf


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.test/x.png",
        "https://evil.test/x.css",
        "file:///etc/passwd",
        "file://evil.test/share/x.png",
        "ftp://evil.test/x",
        f"file://{Path(cahier.STATIC).parent}/css/app.css",  # the app's static folder, outside the cahier's
        f"file://{Path(cahier.STATIC)}/../../__init__.py",
    ],
)
def test_cahier_fetcher_refuses_anything_but_data_and_its_static_folder(url):
    fetcher = cahier.SafeFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.asked == [url]


def test_cahier_fetcher_serves_data_uris():
    fetcher = cahier.SafeFetcher()
    response = fetcher.fetch("data:text/plain;base64,UGFsaWVy")
    assert response.read() == b"Palier"
    assert response.content_type == "text/plain"


def test_cahier_fetcher_serves_its_static_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(cahier, "STATIC", tmp_path.resolve())
    (tmp_path / "logo.svg").write_text("<svg/>")
    response = cahier.SafeFetcher().fetch((tmp_path / "logo.svg").as_uri())
    assert response.read() == b"<svg/>"


def test_cahier_remote_references_in_raw_html_are_refused_not_fetched():
    hostile = (
        '<img src="http://evil.test/a.png"><link rel="stylesheet" href="https://evil.test/s.css">'
        '<p style="background: url(file:///etc/passwd)">texte</p>'
        '<a rel="attachment" href="file:///etc/passwd">pièce jointe</a>'
    )
    out = cahier.render([hostile])
    assert set(out.fetched) >= {"http://evil.test/a.png", "https://evil.test/s.css"}
    assert b"/EmbeddedFile" not in out.pdf


def _decoded_qr_codes(pdf: bytes, tmp_path: Path) -> set[str]:
    source = tmp_path / "cahier.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", str(source), str(tmp_path / "page")], check=True
    )
    found: set[str] = set()
    for image in sorted(tmp_path.glob("page*.png")):
        scan = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found.update(line.strip() for line in scan.stdout.splitlines() if line.strip())
    return found


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed to scan the QR codes",
)
def test_cahier_every_qr_code_scans_to_its_url(app, dbs, rt, tmp_path):
    learner, rows = learner_with_badges(dbs, rt, 3)
    out = cahier_print.learner_cahier(dbs, rt, app.config, learner.id, utcnow())
    expected = {rt.urls.assertion(row.uid) for row in rows} | {rt.urls.share(learner.share_token)}
    assert _decoded_qr_codes(out.pdf, tmp_path) == expected


def test_cahier_pdf_has_no_attachments(app, dbs, rt):
    learner, _ = learner_with_badges(dbs, rt, 1)
    out = cahier_print.learner_cahier(dbs, rt, app.config, learner.id, utcnow())
    reader = PdfReader(io.BytesIO(out.pdf))
    assert not reader.attachments
    assert (
        "/Names" not in reader.trailer["/Root"] or "/EmbeddedFiles" not in reader.trailer["/Root"]["/Names"]
    )
