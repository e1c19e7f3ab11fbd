"""``palier export LEARNER_ID -o FILE.zip``: the young person's zip, for a mediator."""

from __future__ import annotations

import stat
import zipfile

from factories import award, revoke, tier_one_skills

import badges


def test_export_command_writes_the_zip_of_every_live_badge(app, runner, tmp_path):
    skills = tier_one_skills(app)
    first = award(app, skill_id=skills[0])
    gone = award(app, first.learner_id, skill_id=skills[1])
    revoke(app, gone.uid)
    target = tmp_path / "lina.zip"
    result = runner.invoke(args=["export", str(first.learner_id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 badge(s) exporté(s)" in result.output
    archive = zipfile.ZipFile(target)
    folder = f"01-{first.skill_id}/"
    assert set(archive.namelist()) == {
        "README.txt",
        "emetteur.json",
        *(
            folder + name
            for name in ("assertion.json", "classe-de-badge.json", "badge.jws", "badge.png", "badge.svg")
        ),
    }
    assert badges.extract(archive.read(folder + "badge.png")) == first.jws
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # it holds personal data
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_command_refuses_an_unknown_learner_in_french(runner, tmp_path):
    result = runner.invoke(args=["export", "999", "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 1
    assert "Erreur : Aucun·e jeune n'a l'identifiant 999." in result.output
    assert not (tmp_path / "x.zip").exists()


def test_export_command_refuses_a_missing_folder(app, runner, tmp_path):
    badge = award(app)
    result = runner.invoke(args=["export", str(badge.learner_id), "-o", str(tmp_path / "nope" / "x.zip")])
    assert result.exit_code == 1
    assert "n'existe pas" in result.output


def test_export_command_of_an_erased_learner_is_refused(app, runner, tmp_path):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    badge = award(app)
    with app.app_context():
        learners.erase(db.session(), badge.learner_id, actor=None, now=utcnow())
        db.session().commit()
    result = runner.invoke(args=["export", str(badge.learner_id), "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 1
