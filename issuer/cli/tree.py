"""``palier tree``: check a skill tree file, or show it branch by branch."""

from __future__ import annotations

import json
from typing import NoReturn

import click

import skilltree
from skilltree import SkillTree, SkillTreeError

_MARKS = {"earned": "✔", "unlocked": "○", "locked": "✖"}


tree = click.Group("tree", help="Arbre de compétences : vérifier le fichier YAML, l'afficher.")


@tree.command("check")
@click.argument("path", required=False)
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON, pour les scripts.")
@click.option(
    "--local",
    "local",
    default=None,
    help="Fichier des branches locales d'une structure, vérifié avec l'arbre du réseau.",
)
def check_command(path: str | None, as_json: bool, local: str | None) -> None:
    """Vérifie un arbre (par défaut celui de la configuration) et liste tous ses problèmes."""
    target = path or _configured_path()
    try:
        loaded = (
            skilltree.load_tree(target) if local is None else skilltree.load_tree_with_local(target, local)
        )
    except SkillTreeError as exc:
        if as_json:
            click.echo(
                json.dumps(
                    {"file": target, "valid": False, "problems": [p.as_dict() for p in exc.problems]},
                    ensure_ascii=False,
                )
            )
        else:
            _print_problems(exc)
        raise SystemExit(1) from None
    except Exception as exc:
        _fail(f"{target} : lecture impossible ({type(exc).__name__}).")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": target,
                    "valid": True,
                    "problems": [],
                    "branches": len(loaded.branches),
                    "skills": len(loaded.skills),
                    "digest": loaded.digest,
                },
                ensure_ascii=False,
            )
        )
    else:
        click.echo(
            f"Arbre valide : {_count(len(loaded.branches), 'branche')}, {_count(len(loaded.skills), 'compétence')}."
        )


@tree.command("show")
@click.argument("path", required=False)
@click.option(
    "--earned",
    "earned",
    multiple=True,
    metavar="ID",
    help="Compétence obtenue (répétable) : affiche alors l'état de chaque compétence.",
)
def show_command(path: str | None, earned: tuple[str, ...]) -> None:
    """Affiche l'arbre par branche et par niveau, avec les prérequis."""
    target = path or _configured_path()
    try:
        loaded = skilltree.load_tree(target)
    except SkillTreeError as exc:
        _print_problems(exc)
        raise SystemExit(1) from None
    except Exception as exc:
        _fail(f"{target} : lecture impossible ({type(exc).__name__}).")
    for line in render(loaded, earned if earned else None):
        click.echo(line)


def render(loaded: SkillTree, earned: tuple[str, ...] | None = None) -> list[str]:
    """The tree as indented French text, with each skill's state when ``earned`` is given."""
    states = loaded.status(earned) if earned is not None else {}

    def quoted(skill_id: str) -> str:
        return f"« {loaded.display_name(skill_id)} »"

    lines = [
        f"{loaded.name} — {_count(len(loaded.branches), 'branche')}, {_count(len(loaded.skills), 'compétence')}"
    ]
    for branch in loaded.branches:
        lines += ["", f"{branch.name} ({branch.id}) {branch.colour}"]
        tier = None
        for skill in loaded.skills_of(branch.id):
            if skill.tier != tier:
                tier = skill.tier
                lines.append(f"  Niveau {tier}")
            mark = _MARKS[states[skill.id].status] + " " if states else "• "
            lines.append(f"    {mark}{skill.name} ({skill.id})")
            if skill.requires is not None:
                lines.append(f"        prérequis : {skill.requires.describe(quoted)}")
            if states and states[skill.id].status == "locked":
                lines.append(f"        {states[skill.id].reason}")
    if states:
        lines += ["", "✔ obtenue   ○ débloquée   ✖ verrouillée"]
    return lines


def _configured_path() -> str:
    """The tree named by the app's configuration, loading the app only when needed."""
    from flask import current_app, has_app_context
    from flask.cli import ScriptInfo

    try:
        if has_app_context():
            return str(current_app.config["SKILLTREE"])
        info = click.get_current_context().find_object(ScriptInfo)
        if info is not None:
            app = info.load_app()
        else:
            from issuer import create_app

            app = create_app()
        return str(app.config["SKILLTREE"])
    except Exception as exc:
        _fail(
            f"impossible de lire la configuration de Palier pour trouver l'arbre ({exc}). Indiquez le fichier : palier tree check CHEMIN"
        )


def _print_problems(exc: SkillTreeError) -> None:
    for problem in exc.problems:
        click.echo(str(problem))
    count = len(exc.problems)
    click.echo(f"{_count(count, 'problème')} trouvé{'s' if count > 1 else ''} : l'arbre n'est pas valide.")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _fail(message: str) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    raise SystemExit(1)
