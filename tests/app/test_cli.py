"""The ``palier`` command line, as administrators and scripts use it."""

from __future__ import annotations

import stat

from sqlalchemy import select

from issuer.models import Assertion, SigningKey


def _tier1(app):
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        status = tree.status(set())
        return [s.id for s in tree.topological_order() if status[s.id].status == "unlocked"]


def _learner(runner, *args):
    result = runner.invoke(args=["learner", "add", "--name", "Lina", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_cli_learner_add_prints_the_id_alone_on_the_last_line(runner):
    assert _learner(runner, "--age-band", "15-17").isdigit()


def test_cli_learner_add_refuses_a_bad_email_in_french(runner):
    result = runner.invoke(args=["learner", "add", "--name", "Lina", "--email", "pas-un-email"])
    assert result.exit_code == 1 and "n'est pas une adresse e-mail valide" in result.output


def test_cli_award_prints_the_assertion_url(app, runner):
    learner = _learner(runner)
    result = runner.invoke(
        args=[
            "award",
            _tier1(app)[0],
            learner,
            "--by",
            "mediateur@test.fr",
            "--evidence",
            "A aidé son équipe.",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("http://badges.test/assertions/")


def test_cli_award_refuses_a_locked_skill_clearly(app, runner):
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        locked = next(s.id for s in tree.skills if tree.status(set())[s.id].status == "locked")
    result = runner.invoke(
        args=[
            "award",
            locked,
            _learner(runner),
            "--by",
            "mediateur@test.fr",
            "--evidence",
            "A aidé son équipe.",
        ]
    )
    assert result.exit_code == 1
    assert (
        "Erreur : " in result.output
        and "pas encore débloqué" in result.output
        and "Traceback" not in result.output
    )


def test_cli_award_refuses_an_unknown_mediator(app, runner):
    result = runner.invoke(
        args=["award", _tier1(app)[0], _learner(runner), "--by", "x@y.fr", "--evidence", "A aidé."]
    )
    assert result.exit_code == 1 and "Aucun compte actif" in result.output


def test_cli_revoke_by_url(app, runner):
    url = runner.invoke(
        args=[
            "award",
            _tier1(app)[0],
            _learner(runner),
            "--by",
            "mediateur@test.fr",
            "--evidence",
            "A aidé son équipe.",
        ]
    ).output.strip()
    result = runner.invoke(args=["revoke", url, "--reason", "Erreur de saisie"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from issuer import db

        assert db.session().scalars(select(Assertion)).one().revocation_reason == "Erreur de saisie"


def test_cli_mediator_add_reads_password_from_stdin(runner):
    result = runner.invoke(
        args=["mediator", "add", "nouvelle@test.fr", "--name", "Nina"], input="un-long-mot-de-passe\n"
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["mediator", "add", "court@test.fr", "--name", "C"], input="court\n")
    assert short.exit_code == 1 and "au moins 10 caractères" in short.output


def test_cli_key_rotate_keeps_old_keys_published(app, runner):
    result = runner.invoke(args=["key", "rotate"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from issuer import db
        from issuer.runtime import runtime

        keys = db.session().scalars(select(SigningKey)).all()
        assert len(keys) == 2 and sum(k.retired_at is None for k in keys) == 1
        active = runtime().keys.active(db.session())
        path = runtime().keys.folder / f"{active.kid}.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cli_backup_then_restore_into_a_fresh_instance(app, runner, tmp_path, monkeypatch, private_pem):
    url = runner.invoke(
        args=[
            "award",
            _tier1(app)[0],
            _learner(runner),
            "--by",
            "mediateur@test.fr",
            "--evidence",
            "A aidé son équipe.",
        ]
    ).output.strip()
    backup = tmp_path / "sauvegarde.zip"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output

    from issuer import create_app, db

    fresh = create_app({**app.config, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    restored = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        row = db.session().scalars(select(Assertion)).one()
        assert url.endswith(row.uid)
    again = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert again.exit_code == 1 and "n'est pas vide" in again.output


def test_cli_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = runner.invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and "pas une sauvegarde Palier" in result.output


def test_cli_award_without_evidence_is_refused_and_awards_nothing(app, runner):
    result = runner.invoke(args=["award", _tier1(app)[0], _learner(runner), "--by", "mediateur@test.fr"])
    assert result.exit_code == 2 and "--evidence" in result.output and "Traceback" not in result.output
    with app.app_context():
        from sqlalchemy import func, select

        from issuer import db
        from issuer.models import Assertion

        assert db.session().scalar(select(func.count()).select_from(Assertion)) == 0
