"""``palier tree check`` and ``palier tree show``, run on explicit files (no Palier app needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from issuer.cli.tree import tree
from skilltree import default_tree_path

TREES = Path(__file__).parent / "trees"


def run(*args: str):
    return CliRunner().invoke(tree, list(args))


def test_tree_check_valid_tree_exits_zero_with_a_summary():
    result = run("check", str(TREES / "minimal.yaml"))
    assert result.exit_code == 0
    assert result.output == "Arbre valide : 2 branches, 5 compétences.\n"


def test_tree_check_default_tree_is_valid():
    result = run("check", str(default_tree_path()))
    assert result.exit_code == 0 and result.output.startswith("Arbre valide : 7 branches")


def test_tree_check_lists_problems_as_file_line_column():
    path = str(TREES / "broken.yaml")
    result = run("check", path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{path}:7:13: Branche « entraide » : couleur « bleu » invalide")
    assert lines[-1] == "6 problèmes trouvés : l'arbre n'est pas valide."


def test_tree_check_json_for_machines():
    result = run("check", "--json", str(TREES / "broken.yaml"))
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["valid"] is False
    assert data["problems"][0] == {
        "file": str(TREES / "broken.yaml"),
        "line": 7,
        "column": 13,
        "message": data["problems"][0]["message"],
    }
    ok = json.loads(run("check", "--json", str(TREES / "minimal.yaml")).output)
    assert ok["valid"] is True and ok["skills"] == 5 and len(ok["digest"]) == 64


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: tmp / "absent.yaml", "fichier introuvable"),
        (lambda tmp: tmp, "dossier"),
        (lambda tmp: _write(tmp / "binaire.yaml", bytes(range(256)) * 64), "UTF-8"),
        (lambda tmp: _write(tmp / "vide.yaml", b""), "vide"),
        (lambda tmp: _write(tmp / "gros.yaml", b"#" * (1024 * 1024 + 1)), "trop gros"),
        (lambda tmp: _write(tmp / "objet.yaml", b"!!python/object/apply:os.system ['true']\n"), "refusée"),
    ],
)
def test_tree_check_never_shows_a_traceback(tmp_path, make, words):
    result = run("check", str(make(tmp_path)))
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_tree_check_without_path_uses_the_app_configuration():
    flask = pytest.importorskip("flask")
    app = flask.Flask("palier-test")
    app.config["SKILLTREE"] = str(TREES / "minimal.yaml")
    with app.app_context():
        result = run("check")
    assert result.exit_code == 0 and "5 compétences" in result.output


def test_tree_show_prints_branches_tiers_and_prerequisites():
    result = run("show", str(TREES / "minimal.yaml"))
    assert result.exit_code == 0
    assert "Entraide (entraide) #1E6FD9" in result.output
    assert "  Niveau 3\n    • Capitaine (capitaine)" in result.output
    assert "prérequis : « Entraide 1 », et (1 parmi « Entraide 2 », « Stratégie 2 »)" in result.output


def test_tree_show_with_earned_skills_marks_each_state():
    result = run("show", str(TREES / "minimal.yaml"), "--earned", "entraide-1", "--earned", "disparue")
    assert result.exit_code == 0
    assert "✔ Entraide 1 (entraide-1)" in result.output
    assert "○ Entraide 2 (entraide-2)" in result.output
    assert "✖ Capitaine (capitaine)" in result.output and "Il manque : 1 parmi" in result.output


def test_tree_show_broken_tree_lists_problems():
    result = run("show", str(TREES / "broken.yaml"))
    assert result.exit_code == 1 and "problèmes trouvés" in result.output


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
