"""Discord's interactions as Palier reads them, and the answers it gives: pure, no Flask, no database.

Only what the job needs is read: the server, the one who typed, the options, the modal's fields.
Every answer that carries words is ephemeral (flag 64): only the one who typed it sees it, never the
channel, and it mentions nobody.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PING, COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, MESSAGE, DEFERRED, CHOICES, MODAL = 1, 4, 5, 8, 9
EPHEMERAL = 64
MAX_BODY = 64 * 1024
RECOGNISE, LINK, CONTEXT_ENTRY = "reconnaitre", "lier", "Reconnaître une compétence"
MODAL_PREFIX, SELECT_PREFIX = "reconnaitre:", "choisir:"
OBSERVATION, GAME = "observation", "jeu"


class Unreadable(ValueError):
    """A body that is not an interaction Palier can read."""


def snowflake(value: Any) -> str | None:
    """A Discord id (digits, 20 at most), or None."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if text.isdigit() and 0 < len(text) <= 20 else None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class Interaction:
    """One interaction: its type, where and by whom, and what was typed."""

    type: int
    token: str = ""
    guild_id: str | None = None
    user_id: str | None = None
    name: str = ""  # the command's name
    options: dict[str, str] = field(default_factory=dict)
    focused: str | None = None  # the option being typed, for autocomplete
    target_id: str | None = None  # a user context-menu entry's user
    custom_id: str = ""  # a modal's or a select menu's
    fields: dict[str, str] = field(default_factory=dict)  # a modal's text inputs
    values: tuple[str, ...] = ()  # a select menu's choice


def parse(body: bytes) -> Interaction:
    """The interaction in a request's body (already verified as Discord's)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Unreadable("not JSON") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("type"), int):
        raise Unreadable("not an interaction")
    member = _map(data.get("member"))
    person = _map(member.get("user")) or _map(data.get("user"))
    user_id = snowflake(person.get("id"))
    inner = _map(data.get("data"))
    options, focused = {}, None
    for option in inner.get("options") or ():
        if isinstance(option, Mapping) and isinstance(option.get("name"), str):
            options[option["name"][:32]] = (
                _text(option.get("value"), 200) or str(option.get("value", ""))[:32]
            )
            if option.get("focused"):
                focused = option["name"][:32]
    fields = {}
    for row in inner.get("components") or ():
        for item in _map(row).get("components") or ():
            if isinstance(item, Mapping) and isinstance(item.get("custom_id"), str):
                fields[item["custom_id"][:100]] = _text(item.get("value"), 4000)
    values = tuple(_text(v, 100) for v in (inner.get("values") or ()) if isinstance(v, str))[:1]
    return Interaction(
        type=data["type"],
        token=_text(data.get("token"), 500),
        guild_id=snowflake(data.get("guild_id")),
        user_id=user_id,
        name=_text(inner.get("name"), 32),
        options=options,
        focused=focused,
        target_id=snowflake(inner.get("target_id")),
        custom_id=_text(inner.get("custom_id"), 100),
        fields=fields,
        values=values,
    )


def pong() -> dict[str, Any]:
    """The answer to Discord's PING."""
    return {"type": PONG}


def message(text: str) -> dict[str, Any]:
    """A message only the one who typed sees, mentioning nobody."""
    return {
        "type": MESSAGE,
        "data": {"content": text[:2000], "flags": EPHEMERAL, "allowed_mentions": {"parse": []}},
    }


def follow_up(text: str) -> dict[str, Any]:
    """The body that replaces a deferred answer (sent to Discord's webhook)."""
    return {"content": text[:2000], "allowed_mentions": {"parse": []}}


def deferred() -> dict[str, Any]:
    """« Palier réfléchit… », seen only by the one who typed: the answer follows through the webhook."""
    return {"type": DEFERRED, "data": {"flags": EPHEMERAL}}


def choices(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Autocomplete's suggestions (25 at most): (shown name, value)."""
    return {
        "type": CHOICES,
        "data": {"choices": [{"name": n[:100], "value": v[:100]} for n, v in pairs[:25]]},
    }


def observation_modal(young_id: str, skill_id: str, skill_name: str) -> dict[str, Any]:
    """The form where the mediator writes what they observed; its submit awards."""
    inputs = [
        {"type": 4, "custom_id": OBSERVATION, "label": "Ce que vous avez observé", "style": 2,
         "min_length": 1, "max_length": 4000, "required": True,
         "placeholder": "Des faits : ce que la personne a fait, dit, dans quelle situation."},
        {"type": 4, "custom_id": GAME, "label": "Jeu (facultatif)", "style": 1, "max_length": 160,
         "required": False},
    ]  # fmt: skip
    return {
        "type": MODAL,
        "data": {
            "custom_id": f"{MODAL_PREFIX}{young_id}:{skill_id}",
            "title": f"Badge : {skill_name}"[:45],
            "components": [{"type": 1, "components": [item]} for item in inputs],
        },
    }


def skill_menu(young_id: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The context-menu entry's answer: which skill? (a select menu, then the same modal)."""
    if not pairs:
        return message("Aucun badge ne peut être délivré à cette personne pour l'instant.")
    menu = {"type": 3, "custom_id": f"{SELECT_PREFIX}{young_id}", "placeholder": "Choisissez la compétence",
            "options": [{"label": n[:100], "value": v[:100]} for n, v in pairs[:25]]}  # fmt: skip
    answer = message("Quelle compétence reconnaissez-vous ?")
    answer["data"]["components"] = [{"type": 1, "components": [menu]}]
    return answer


def modal_target(custom_id: str) -> tuple[str, str] | None:
    """(young person's id, skill id) from the modal's custom_id, or None."""
    if not custom_id.startswith(MODAL_PREFIX):
        return None
    young, _, skill = custom_id[len(MODAL_PREFIX) :].partition(":")
    young_id = snowflake(young)
    return (young_id, skill) if young_id and skill and len(skill) <= 80 else None
