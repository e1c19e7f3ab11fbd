"""Reading a tournament's standings: a start.gg or Toornament JSON export, or a CSV of pseudos and places.

What is read is who took part, and where they finished: nothing else (no e-mail, no account). The
place is shown to the mediator as a reminder; it never chooses a badge. Every refusal says what is
wrong with the file, and nothing is written.

Shapes accepted (see docs/api.md, « Résultats de tournoi »):

- start.gg: the answer of the GraphQL ``EventStandings`` query, with or without its ``data`` wrapper:
  ``{"data": {"event": {"name": ..., "standings": {"nodes": [{"placement": 1, "entrant":
  {"id": 1, "name": "Pseudo"}}]}}}}``.
- Toornament: a list of final standings or ranking items, or an object holding one under ``items``,
  ``final_standings`` or ``ranking_items``: ``[{"position": 1, "rank": 1, "participant":
  {"id": "…", "name": "Pseudo"}}]``.
- CSV (``;`` or ``,``): a column naming the player (pseudo, joueur, participant, nom, name, entrant),
  optionally one for the place (rang, place, placement, classement, position, rank).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from badges import BadgeFormatError, read_json

from ..errors import Code, PalierError
from ..folding import fold

MAX_BYTES = 512 * 1024
MAX_PLAYERS = 500
START_GG, TOORNAMENT, CSV = "start.gg", "Toornament", "CSV"


@dataclass(frozen=True)
class Player:
    """One entrant: their name as the tournament wrote it, and their place (None when not said)."""

    name: str
    placement: int | None = None


@dataclass(frozen=True)
class Standings:
    """A tournament's entrants, in the order of the file, and where they come from."""

    source: str
    title: str
    players: tuple[Player, ...]


class FileRefused(PalierError):
    """A file that cannot be read as standings: nothing was written."""

    status = 422


def refused(detail: str) -> FileRefused:
    """A file that cannot be read as standings, ``detail`` saying why (in French)."""
    return FileRefused(Code.TOURNAMENT_FILE_INVALID, detail=detail)


def _name(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    name = " ".join(value.split())
    if "\x00" in name or not name.isprintable():
        raise refused("un nom de joueur ou de joueuse contient des caractères illisibles.")
    return name[:80]


def _place(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 100_000 else None
    if isinstance(value, str) and value.strip().isdigit():
        return _place(int(value.strip()))
    return None


def _start_gg(doc: Mapping[str, Any]) -> Standings | None:
    root = doc.get("data", doc)
    event = root.get("event") if isinstance(root, Mapping) else None
    standings = event.get("standings") if isinstance(event, Mapping) else None
    nodes = standings.get("nodes") if isinstance(standings, Mapping) else None
    if not isinstance(nodes, list):
        return None
    players = []
    for node in nodes:
        entrant = node.get("entrant") if isinstance(node, Mapping) else None
        if not isinstance(entrant, Mapping):
            raise refused("une ligne du classement start.gg n'a pas d'« entrant ».")
        players.append(Player(_name(entrant.get("name")), _place(node.get("placement"))))
    assert isinstance(event, Mapping)
    return Standings(START_GG, _name(event.get("name")), tuple(players))


def _toornament(doc: Any) -> Standings | None:
    items = doc
    if isinstance(doc, Mapping):
        items = next((doc[k] for k in ("items", "final_standings", "ranking_items") if k in doc), None)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) and "participant" in i for i in items):
        return None
    players = []
    for item in items:
        participant = item["participant"]
        if participant is None:  # a place nobody holds (a bye, a withdrawn entrant)
            continue
        if not isinstance(participant, Mapping):
            raise refused("un « participant » du classement Toornament n'est pas un objet.")
        place = _place(item.get("position")) or _place(item.get("rank"))
        players.append(Player(_name(participant.get("name")), place))
    return Standings(TOORNAMENT, "", tuple(players))


_NAME_COLUMNS = {
    "pseudo",
    "joueur",
    "joueuse",
    "participant",
    "participante",
    "nom",
    "name",
    "entrant",
    "jeune",
}
_PLACE_COLUMNS = {"rang", "place", "placement", "classement", "position", "rank"}


def _csv(text: str) -> Standings:
    lines = text.splitlines()
    if not lines:
        raise refused("le fichier est vide.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [fold(h) for h in next(reader)]
        names = next((i for i, h in enumerate(header) if h in _NAME_COLUMNS), None)
        places = next((i for i, h in enumerate(header) if h in _PLACE_COLUMNS), None)
        if names is None:
            raise refused(
                "la première ligne du CSV doit nommer une colonne « pseudo » (et, si vous voulez, « rang »)."
            )
        players = []
        for record in reader:
            if names < len(record) and record[names].strip():
                place = _place(record[places]) if places is not None and places < len(record) else None
                players.append(Player(_name(record[names]), place))
    except csv.Error as exc:
        raise refused(f"ligne {reader.line_num} du CSV illisible ({str(exc)[:120]}).") from None
    except StopIteration:
        raise refused("le fichier est vide.") from None
    return Standings(CSV, "", tuple(players))


def read_standings(data: bytes) -> Standings:
    """The standings a file holds (start.gg, Toornament or CSV, told apart by their content)."""
    if len(data) > MAX_BYTES:
        raise refused(f"il dépasse {MAX_BYTES // 1024} Kio.")
    if not data.strip():
        raise refused("le fichier est vide.")
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            doc = read_json(data, "Le fichier", limit=MAX_BYTES, max_depth=16)
        except BadgeFormatError:
            raise refused("ce n'est pas un JSON lisible.") from None
        found = (_start_gg(doc) if isinstance(doc, Mapping) else None) or _toornament(doc)
        if found is None:
            raise refused("ce JSON n'est ni un classement start.gg (event.standings.nodes) ni un classement "
                          "Toornament (liste d'éléments avec « participant »).")  # fmt: skip
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # spreadsheets saved on Windows
        if "\x00" in text:
            raise refused("ce n'est pas un fichier texte.")
        found = _csv(text)
    players = tuple(p for p in found.players if p.name)
    if not players:
        raise refused("aucun joueur ni aucune joueuse n'y figure.")
    if len(players) > MAX_PLAYERS:
        raise refused(f"au plus {MAX_PLAYERS} participant·es par fichier.")
    return Standings(found.source, found.title, players)
