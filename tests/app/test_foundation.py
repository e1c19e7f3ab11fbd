"""The foundation: layered configuration, migrations that match the models, the WSGI entry point."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from issuer import create_app, db
from issuer.models import Base


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], "a model changed without its Alembic migration"


def test_config_layers_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'BASE_URL = "https://fichier.example"\nISSUER_NAME = "Depuis le fichier"\n'
    )
    monkeypatch.setenv("PALIER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("PALIER_BASE_URL", "https://badges.example.org/")
    monkeypatch.setenv("PALIER_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    app = create_app()
    assert app.config["BASE_URL"] == "https://badges.example.org"  # environment wins, trailing slash gone
    assert app.config["ISSUER_NAME"] == "Depuis le fichier"  # instance file beats defaults
    assert app.config["TRUSTED_HOSTS"] == ["badges.example.org"]
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("bad", ["badges.example.org", "ftp://x.org", "http://"])
def test_config_refuses_a_base_url_that_is_not_a_full_http_address(tmp_path, monkeypatch, bad):
    monkeypatch.setenv("PALIER_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ValueError, match="PALIER_BASE_URL"):
        create_app({"BASE_URL": bad, "SECRET_KEY": "x"})


def test_app_answers_only_for_its_configured_host(client):
    assert client.get("/issuer", headers={"Host": "evil.example"}).status_code == 400


def test_wsgi_module_builds_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("PALIER_INSTANCE_PATH", str(tmp_path))
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.name == "issuer"
