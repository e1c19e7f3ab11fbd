"""Permanent ids on the right host: a command run with the default base URL on a database set up with
another one refuses, in French, before minting anything; ``./dev.sh run`` follows ``PALIER_PORT``."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import MEDIATOR, TEST_BASE_URL, make_learner, skills_by_status
from sqlalchemy import func, select

from issuer.config import DEFAULTS
from issuer.models import Assertion, User

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = DEFAULTS["BASE_URL"]


def _same_database(app, tmp_path, base_url: str | None):
    """A second app on ``app``'s database and keys, configured with ``base_url`` (None: the default)."""
    from issuer import create_app

    return create_app(
        _config(app.config["DATABASE_URL"], tmp_path, base_url), instance_path=str(tmp_path / "i")
    )


def _config(url: str, tmp_path: Path, base_url: str | None) -> dict:
    cheap = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST": 8, "PASSWORD_PARALLELISM": 1}
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "BASE_URL": base_url or DEFAULT,
        "DATABASE_URL": url,
        "KEYS_DIR": str(tmp_path / "keys"),
        **cheap,
    }


def _count(app, statement) -> int:
    from issuer import db

    with app.app_context():
        return db.session().scalar(statement)


def _award(runner, app, learner: int):
    skill = skills_by_status(app)["unlocked"][0]
    return runner.invoke(args=["award", skill, str(learner), "--by", MEDIATOR, "--evidence", "A aidé."])


def test_cli_award_refuses_the_default_base_url_on_a_database_set_up_with_another(app, tmp_path):
    learner = make_learner(app)
    elsewhere = _same_database(app, tmp_path, None)
    result = _award(elsewhere.test_cli_runner(), app, learner)
    assert result.exit_code == 1
    assert "Erreur : " in result.output and "Traceback" not in result.output
    assert f"créée pour l'adresse {TEST_BASE_URL}" in result.output
    assert f"PALIER_BASE_URL={TEST_BASE_URL}" in result.output and "dev.sh" not in result.output
    assert _count(app, select(func.count()).select_from(Assertion)) == 0


def test_cli_refusal_on_a_development_instance_names_its_port(tmp_path):
    from issuer import create_app

    url = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    made = create_app(_config(url, tmp_path, "http://127.0.0.1:5001"), instance_path=str(tmp_path))
    assert made.test_cli_runner().invoke(args=["init"]).exit_code == 0
    later = create_app(_config(url, tmp_path, None), instance_path=str(tmp_path))
    result = later.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 1
    assert "PALIER_PORT=5001 ./dev.sh run" in result.output and "effacez instance/" in result.output


def test_cli_init_demo_refuses_the_default_base_url_before_creating_anything(app, tmp_path):
    elsewhere = _same_database(app, tmp_path, None)
    result = elsewhere.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 1 and "PALIER_BASE_URL" in result.output
    assert _count(app, select(func.count()).select_from(User)) == 2  # the fixture's two accounts only
    assert _count(app, select(func.count()).select_from(Assertion)) == 0


@pytest.mark.parametrize(
    "args",
    [["key", "rotate"], ["cahier", "1"], ["export", "1", "-o", "x.zip"], ["revoke", "x", "--reason", "r"]],
)
def test_cli_commands_that_mint_or_print_ids_refuse_the_default_base_url(app, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)  # were it to run anyway, its files land here
    make_learner(app)
    result = _same_database(app, tmp_path, None).test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "PALIER_BASE_URL" in result.output, result.output


def test_cli_ids_already_minted_name_the_address_even_after_the_profile_changed(app, tmp_path):
    from issuer import db
    from issuer.admin import profile
    from issuer.models import utcnow

    _award(app.test_cli_runner(), app, make_learner(app))
    with app.app_context():
        session = db.session()
        profile.update_profile(
            session,
            app.config,
            name="Ma structure",
            url=DEFAULT,  # the site address typed by an admin is no proof of where ids live
            email="contact@structure.fr",
            description="",
            logo_png=None,
            actor=None,
            now=utcnow(),
        )
        session.commit()
    result = _award(_same_database(app, tmp_path, None).test_cli_runner(), app, make_learner(app, "Noé"))
    assert result.exit_code == 1 and f"PALIER_BASE_URL={TEST_BASE_URL}" in result.output


def test_cli_commands_without_ids_still_run_on_the_default_base_url(app, tmp_path):
    runner = _same_database(app, tmp_path, None).test_cli_runner()
    assert runner.invoke(args=["learner", "add", "--name", "Lina"]).exit_code == 0
    assert runner.invoke(args=["check"]).exit_code == 0
    assert runner.invoke(args=["backup", str(tmp_path / "b.json")]).exit_code == 0


def test_cli_award_on_the_recorded_base_url_runs(app, tmp_path):
    result = _award(_same_database(app, tmp_path, TEST_BASE_URL).test_cli_runner(), app, make_learner(app))
    assert result.exit_code == 0 and "Attention" not in result.output
    assert result.output.strip().startswith(f"{TEST_BASE_URL}/assertions/")


def test_cli_another_chosen_base_url_is_warned_about_not_refused(app, tmp_path):
    moved = _same_database(app, tmp_path, "https://badges.example.org")
    result = _award(moved.test_cli_runner(), app, make_learner(app))
    assert result.exit_code == 0, result.output
    assert f"Attention : cette base a été créée pour l'adresse {TEST_BASE_URL}" in result.output


def test_cli_init_on_a_fresh_database_with_the_default_base_url_runs(tmp_path):
    from issuer import create_app

    fresh = create_app(
        _config(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path, None), instance_path=str(tmp_path)
    )
    runner = fresh.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["init"]).exit_code == 0  # and again: same address, nothing to say
    result = runner.invoke(args=["init"])
    assert "Attention" not in result.output and "Erreur" not in result.output


# ./dev.sh run, with a stand-in virtual environment: its python is this one, its palier says what it got.


def _fake_venv(folder: Path) -> dict[str, str]:
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    palier = bin_dir / "palier"
    palier.write_text('#!/bin/sh\necho "palier $* [base=$PALIER_BASE_URL]"\n')
    palier.chmod(0o755)
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update(hashlib.sha256((ROOT / name).read_bytes()).digest())
    (folder / ".palier-installed-requirements.lock").write_text(digest.hexdigest() + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PALIER_")}
    return {**env, "PALIER_VENV": str(folder), "PYTHON": sys.executable}


def _dev_run(env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(ROOT / "dev.sh"), "run"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_dev_run_palier_port_alone_moves_the_server_and_the_printed_address(tmp_path):
    out = _dev_run({**_fake_venv(tmp_path / "venv"), "PALIER_PORT": "5077"})
    assert "palier init --demo [base=http://127.0.0.1:5077]" in out
    assert "Palier tourne sur http://127.0.0.1:5077" in out
    assert "palier run --host 127.0.0.1 --port 5077" in out


def test_dev_run_base_url_names_the_address_and_port_the_socket(tmp_path):
    env = {**_fake_venv(tmp_path / "venv"), "PALIER_PORT": "5078", "PALIER_BASE_URL": "https://b.example"}
    out = _dev_run(env)
    assert "Palier tourne sur https://b.example" in out and "--port 5078" in out


def test_dev_run_defaults_to_port_5000(tmp_path):
    out = _dev_run(_fake_venv(tmp_path / "venv"))
    assert "Palier tourne sur http://127.0.0.1:5000" in out and "--port 5000" in out


def test_cli_check_leaves_no_transaction_open_for_the_command(app):
    # A migration run by the command (palier init) must not wait behind the check's read locks.
    import click

    from issuer import db
    from issuer.cli.command import palier_command

    seen: list[bool] = []

    @click.command("probe")
    @palier_command
    def probe() -> None:
        seen.append(db.session().in_transaction())

    app.cli.add_command(probe)
    assert app.test_cli_runner().invoke(args=["probe"]).exit_code == 0
    assert seen == [False]
