"""The command line in French: click's own words (« Utilisation », « Affiche cette aide »…) and the help
of the commands Flask and Flask-Limiter bring (``run``, ``shell``, ``routes``, ``limiter``).

Click asks ``gettext`` for its words but ships no catalogue; its modules look ``_`` up at each call, so
giving them a French one here is enough. Palier's own commands carry French help in their docstrings.
"""

from __future__ import annotations

import click

# Click's messages, as click (8.x) spells them; a message missing here stays in English.
CLICK_MESSAGES = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Confirm the action without prompting.": "Confirme l'action sans la demander.",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "required": "obligatoire",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculée)",
    "deprecated": "obsolète",
    "Aborted!": "Abandon.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing command.": "Commande manquante.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de : {possibilities} ?)",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} attend {nargs} valeurs.",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas l'un de : {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas accessible en écriture.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir {filename!r} : {message}",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "integer": "entier",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
}
# Metavars (« TEXT », « INTEGER », « FILE »…) come from the types' names.
TYPE_NAMES = {
    "text": "texte",
    "integer": "entier",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
}
# Arguments shown by a French name, in the usage line and wherever the help mentions them.
ARGUMENTS = {
    "skill_id": "COMPETENCE",
    "learner_id": "JEUNE",
    "assertion": "BADGE",
    "file": "FICHIER",
    "path": "CHEMIN",
}
SUBCOMMANDS = "COMMANDE [ARGUMENTS]..."

# The help of commands and options that others wrote: command path -> (help, {option name: help}).
HELP: dict[tuple[str, ...], tuple[str | None, dict[str, str]]] = {
    (): (
        None,
        {
            "env_file": "Charge les variables d'environnement de ce fichier (elles l'emportent sur .env et "
            ".flaskenv ; celles de l'environnement l'emportent sur tout). Demande python-dotenv.",
            "app": "L'application Flask ou la fabrique à charger, sous la forme « module:nom » "
            "(Palier : inutile, c'est la sienne).",
            "debug": "Mode débogage.",
        },
    ),
    ("run",): (
        "Lance le serveur de développement (pas pour la production : voir gunicorn dans le README).",
        {
            "debug": "Mode débogage.",
            "host": "Interface d'écoute.",
            "port": "Port d'écoute.",
            "cert": "Certificat pour servir en HTTPS.",
            "key": "Fichier de la clé du certificat.",
            "reload": "Relance le serveur quand un fichier change (par défaut en mode débogage).",
            "debugger": "Débogueur dans le navigateur (par défaut en mode débogage).",
            "with_threads": "Un fil d'exécution par requête.",
            "extra_files": "Autres fichiers qui relancent le serveur quand ils changent (séparés par « : »).",
            "exclude_patterns": "Motifs fnmatch des fichiers qui ne relancent pas le serveur (séparés par « : »).",
        },
    ),
    ("shell",): ("Ouvre un interpréteur Python dans le contexte de l'application.", {}),
    ("routes",): (
        "Liste les adresses de l'application, avec leurs vues et leurs méthodes.",
        {
            "sort": "Ordre de la liste ; « match » : l'ordre dans lequel Flask les essaie.",
            "all_methods": "Montre aussi les méthodes HEAD et OPTIONS.",
        },
    ),
    ("limiter",): ("Limites de tentatives (Flask-Limiter) : configuration, limites, remise à zéro.", {}),
    ("limiter", "config"): ("Affiche la configuration des limites.", {}),
    ("limiter", "limits"): (
        "Liste les adresses limitées et leurs limites.",
        {
            "endpoint": "Seulement cette vue.",
            "path": "Seulement cette adresse.",
            "method": "Seulement cette méthode HTTP.",
            "key": "Teste la limite pour cette clé.",
            "watch": "Tableau de bord mis à jour en continu.",
        },
    ),
    ("limiter", "clear"): (
        "Remet à zéro les limites d'une clé.",
        {
            "endpoint": "Seulement cette vue.",
            "path": "Seulement cette adresse.",
            "method": "Seulement cette méthode HTTP.",
            "key": "La clé dont les limites sont remises à zéro.",
            "y": "Sans demander de confirmation.",
        },
    ),
}


def _gettext(message: str) -> str:
    return CLICK_MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def install() -> None:
    """Give click French words (idempotent)."""
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.types,
        click.termui,
    ):
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    parser = getattr(click, "parser", None)
    if parser is not None and hasattr(parser, "_"):
        parser._ = _gettext
        parser.ngettext = _ngettext
    for kind in (click.STRING, click.INT):
        kind.name = TYPE_NAMES.get(kind.name, kind.name)


def translate(command: click.Command, path: tuple[str, ...] = ()) -> None:
    """French help for ``command`` and everything under it: the table above, and French type names."""
    help_text, options = HELP.get(path, (None, {}))
    if help_text is not None:
        command.help, command.short_help = help_text, None
    for param in command.params:
        if param.name in options and isinstance(param, click.Option):
            param.help = options[param.name]
        if param.type.name in TYPE_NAMES:
            param.type.name = TYPE_NAMES[param.type.name]
        if isinstance(param, click.Argument) and param.metavar is None and param.name in ARGUMENTS:
            shown = ARGUMENTS[param.name]
            param.metavar = shown if param.required else f"[{shown}]"
            for attribute in ("help", "short_help"):
                text = getattr(command, attribute)
                if text:
                    setattr(command, attribute, text.replace(param.name.upper(), shown))
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = SUBCOMMANDS
        for name, sub in command.commands.items():
            translate(sub, (*path, name))
