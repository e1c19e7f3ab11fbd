"""``palier --help`` and every command's ``--help`` in French: Palier's commands, those Flask and its
extensions bring (run, shell, routes, limiter), and click's own words (usage, options, errors)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

# Words that only English help has (not French homographs: interface, option, message…) (checked once flags, command names and metavars are taken out).
ENGLISH = {
    "the", "and", "this", "that", "show", "shows", "usage", "commands", "with", "for", "to", "of", "set",
    "load", "enable", "disable", "file", "files", "path", "text", "integer", "default", "required",
    "arguments", "command", "exit", "specify", "filter", "key", "view", "clear", "skip",
    "bind", "extra", "patterns", "routes", "development", "server", "shell", "missing",
    "invalid", "value", "try", "help", "error",
}  # fmt: skip


@pytest.fixture
def palier(tmp_path, monkeypatch):
    """The real ``palier`` group, its app on a scratch instance."""
    from issuer.cli import build

    monkeypatch.setenv("PALIER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PALIER_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("PALIER_SECRET_KEY", "test")
    monkeypatch.chdir(tmp_path)
    return build()


def _paths(group: click.Group, ctx: click.Context, prefix=()) -> list[tuple[str, ...]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _paths(command, click.Context(command, parent=ctx, info_name=name), (*prefix, name))
    return found


def _every_command(palier) -> list[tuple[str, ...]]:
    with click.Context(palier, info_name="palier") as ctx:
        return [(), *_paths(palier, ctx)]


def _command(palier, path):
    command = palier
    with click.Context(palier, info_name="palier") as ctx:
        for name in path:
            command = command.get_command(ctx, name)
    return command


def _english_in(output: str, names: set[str]) -> set[str]:
    output = re.sub(r"(?<![\w])--?[\w-]+", " ", output)  # flags
    output = re.sub(r"\b[A-Z_]{2,}\b", " ", output)  # metavars
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", output)}
    return (words - names) & ENGLISH


def test_palier_help_lists_every_command_in_french(palier):
    result = CliRunner().invoke(palier, ["--help"], prog_name="palier")
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : palier")
    assert "Affiche cette aide et quitte." in result.output and "Commandes:" in result.output
    for name in ("init", "award", "run", "shell", "routes", "limiter", "tree"):
        assert f"\n  {name} " in result.output


def test_every_command_and_option_has_help_in_french(palier):
    paths = _every_command(palier)
    assert ("award",) in paths and ("run",) in paths and ("limiter", "clear") in paths
    names = {name for path in paths for name in path} | {"palier"}
    for path in paths:
        result = CliRunner().invoke(palier, [*path, "--help"], prog_name="palier")
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith(f"Utilisation : palier {' '.join(path)}".rstrip()), path
        assert not _english_in(result.output, names), (path, _english_in(result.output, names))
        command = _command(palier, path)
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, (path, param.name)


def test_usage_errors_are_in_french(palier):
    result = CliRunner().invoke(palier, ["award", "cooperation-1"], prog_name="palier")
    assert result.exit_code == 2
    assert "Erreur : Argument manquant 'JEUNE'." in result.output
    assert "Essayez « palier award --help » pour l'aide." in result.output
    result = CliRunner().invoke(
        palier, ["learner", "add", "--name", "L", "--age-band", "x"], prog_name="palier"
    )
    assert "Valeur invalide pour '--age-band'" in result.output and "n'est pas l'un de" in result.output


def test_usage_names_arguments_in_french(palier):
    result = CliRunner().invoke(palier, ["award", "--help"], prog_name="palier")
    assert "Utilisation : palier award [OPTIONS] COMPETENCE JEUNE" in result.output
    assert "SKILL_ID" not in result.output and "LEARNER_ID" not in result.output
