"""Which structure a request works for: the staff's chosen one, the one in a public URL, or a token's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, g, request, session
from sqlalchemy import select

from .. import db, tenancy
from ..accounts.service import memberships
from ..backpack.service import digest_of as claim_digest
from ..models import ROOT_STRUCTURE_ID, BackpackClaim, Learner, Membership, Structure
from ..runtime import use_structure

CHOSEN = "structure_id"  # in the staff's session cookie: the structure they work in now


def work_in(structure: Structure) -> None:
    """This request works for ``structure``: its URLs, keys, and only its rows."""
    use_structure(structure.id, structure.slug)
    g.palier_structure_row = structure


def work_in_id(structure_id: int) -> None:
    """The same, from a structure's id (a public token named its learner, whose structure this is)."""
    if structure_id == ROOT_STRUCTURE_ID and "palier_structure" not in g:
        return  # the first structure is the default: nothing to look up
    found = db.session().get(Structure, structure_id)
    if found is None:  # pragma: no cover - a foreign key
        abort(404)
    work_in(found)


def current_structure() -> Structure | None:
    """The structure this request works for, when it was decided from a URL, a token or a choice."""
    found: Structure | None = g.get("palier_structure_row")
    return found


def staff_places(user_id: int) -> list[Membership]:
    """The structures a logged-in person belongs to (read once per request)."""
    if "palier_places" not in g:
        g.palier_places = memberships(db.session(), user_id)
    places: list[Membership] = g.palier_places
    return places


def choose_for_staff(user_id: int) -> Membership | None:
    """Work in the structure the person chose (or their first one); None when they belong to none."""
    if "palier_place" in g:
        place: Membership | None = g.palier_place
        return place
    places = staff_places(user_id)
    wanted = session.get(CHOSEN)
    place = next((p for p in places if p.structure_id == wanted), places[0] if places else None)
    if place is not None:
        work_in(place.structure)
    g.palier_place = place
    return place


def choose(user_id: int, structure_id: int) -> bool:
    """Remember that the person now works in ``structure_id``, if they belong to it."""
    if not any(p.structure_id == structure_id for p in staff_places(user_id)):
        return False
    session[CHOSEN] = structure_id
    return True


def _from_token(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A young person's page, named by its token, works in that young person's structure."""
    token = (values or {}).get("token")
    if not token or not isinstance(token, str) or request.url_rule is None:
        return
    if (
        len(token) > 128 or "\x00" in token
    ):  # no token is like this (PostgreSQL refuses NUL): the view says 404
        return
    rule = request.url_rule.rule
    if rule.startswith("/p/<token>"):
        owner = structure_of(Learner.portfolio_token, token)
    elif rule.startswith("/partage/<token>"):
        owner = structure_of(Learner.share_token, token)
    elif rule.startswith("/sac-a-badges/<token>"):
        owner = db.session().scalar(
            select(Learner.structure_id)
            .join(BackpackClaim, BackpackClaim.learner_id == Learner.id)
            .where(BackpackClaim.token_digest == claim_digest(token))
            .execution_options(**tenancy.ACROSS_STRUCTURES)
        )
    else:
        return
    if owner is not None:  # an unknown token: the page says so, as before
        work_in_id(owner)


def _from_prefix(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop("structure_slug", None)
    found = tenancy.structure_by_slug(db.session(), slug) if slug else None
    if found is None or found.id == ROOT_STRUCTURE_ID:  # the first structure has no prefix
        abort(404)
    work_in(found)


def _keep_prefix(_endpoint: str, values: dict[str, Any]) -> None:
    structure = current_structure()
    if structure is not None and "structure_slug" not in values:
        values["structure_slug"] = structure.slug


def init_app(app: Flask) -> None:
    """Find the structure of the young people's pages from their token."""
    app.url_value_preprocessor(_from_token)


def register_per_structure(app: Flask, blueprint: Blueprint) -> None:
    """Serve a public blueprint for the first structure at the root, and for every other under /s/<slug>."""
    app.register_blueprint(blueprint)
    app.register_blueprint(blueprint, url_prefix="/s/<structure_slug>", name=f"s_{blueprint.name}")
    name = f"s_{blueprint.name}"
    app.url_value_preprocessor(
        lambda endpoint, values: _from_prefix(endpoint, values) if _is(endpoint, name) else None
    )
    app.url_defaults(lambda endpoint, values: _keep_prefix(endpoint, values) if _is(endpoint, name) else None)


def _is(endpoint: str | None, name: str) -> bool:
    return bool(endpoint) and str(endpoint).startswith(name + ".")


def structure_of(column: Any, value: str) -> int | None:
    """Which structure owns the row whose ``column`` is ``value`` (a public token), across structures."""
    model = column.class_
    return db.session().scalar(
        select(model.structure_id).where(column == value).execution_options(**tenancy.ACROSS_STRUCTURES)
    )
