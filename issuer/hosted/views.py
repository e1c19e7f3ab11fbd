"""The permanent Open Badges URLs: issuer, keys, revocations, badge classes, assertions, recipients."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

import badges

from .. import changes, db
from ..admin.profile import get_profile
from ..awarding import ob3
from ..caching import Stamp
from ..markdown import safe_html
from ..models import BadgeClassVersion, utcnow
from ..network import endorsements
from ..runtime import runtime
from ..verification.page import assertion_page
from ..web.errors import error_response
from ..web.negotiation import json_type, wants_page
from ..web.security import cookie_free, headers_ready, ready_headers
from . import documents as hosted
from .documents import LD_JSON, Hosted

bp = Blueprint("hosted", __name__)


def _watch_changes(state: BlueprintSetupState) -> None:
    # Every process of the instance shares the stamp: a revocation committed by one worker is bumped
    # there, and the others forget the assertions they held on their next request.
    app = cast(Flask, state.app)
    stamp = Stamp(app.config["CHANGE_STAMP"])
    hosted.watch(db.engine_of(app), stamp)

    def bump(done: changes.Changes) -> None:
        if done.assertions or done.revocations:
            stamp.bump()

    changes.on_commit(db.factory_of(app), bump)


bp.record_once(_watch_changes)

# What a page-or-JSON-LD answer depends on: the Accept header, and the User-Agent when it names
# neither (a link-preview robot gets the page, a badge tool the JSON-LD).
NEGOTIATED = "Accept, User-Agent"
# The language of the documents' text (names, descriptions, criteria): the issuer writes in French.
LANGUAGE = "fr"


def _public(resp: Response, max_age: int | None = None, vary: bool = False) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    if max_age is not None:
        resp.headers["Cache-Control"] = hosted.cache_control(max_age)
    if vary:
        resp.vary.update(("Accept", "User-Agent"))
    return resp


def page_of(resp: Response, json_url: str, max_age: int | None = None) -> Response:
    """The HTML answer of a negotiated URL: public, varying, and pointing at its JSON-LD twin.

    The ``Link`` header is how a JSON-LD loader given the page finds the document (JSON-LD 1.1, §9).
    """
    resp = _public(resp, max_age, vary=True)
    resp.headers["Link"] = f'<{json_url}>; rel="alternate"; type="{LD_JSON}"'
    resp.headers["Content-Language"] = LANGUAGE
    return resp


def _matches(etag: str) -> bool:
    sent = request.headers.get("If-None-Match")
    if not sent:
        return False
    quoted = f'"{etag}"'
    if sent == quoted or sent == "W/" + quoted:  # what badge tools send back: no parsing needed
        return True
    return request.if_none_match.contains_weak(etag)


def serve(doc: Hosted, *, vary: bool = False) -> Response:
    """Send stored bytes with ETag, cache lifetime and CORS; ``If-None-Match`` answers 304.

    A JSON-LD document says it is French, and answers ``application/json`` to who asks only for that;
    ``vary`` marks a URL that also has a page (negotiated on Accept and User-Agent).
    """
    cookie_free()
    # Headers written out directly, the protective ones included: this is the hottest path of the
    # public side, and a header set later by a hook costs a scan of the list each.
    headers = [
        ("ETag", f'"{doc.etag}"'),
        ("Cache-Control", hosted.cache_control(doc.max_age)),
        ("Access-Control-Allow-Origin", "*"),
        *ready_headers(),
    ]
    mimetype = doc.mimetype
    if mimetype == LD_JSON:
        mimetype = json_type()
        headers.append(("Content-Language", LANGUAGE))
        headers.append(("Vary", NEGOTIATED if vary else "Accept"))
    elif vary:
        headers.append(("Vary", NEGOTIATED))
    if doc.status == 200 and _matches(doc.etag):
        return headers_ready(Response(status=304, headers=headers))
    return headers_ready(Response(doc.body, status=doc.status, headers=headers, mimetype=mimetype))


def not_found(message: str, *, vary: bool = False) -> Response:
    """A 404 as JSON for badge tools (the HTML error page is for browsers)."""
    if wants_page():
        resp = current_app.make_response(error_response(404, message))
    else:
        resp = jsonify(error="not_found", message=message)
        resp.status_code = 404
    return _public(resp, vary=vary)


def _issuer_page(json_url: str) -> Response:
    """The issuer's public page: who they are, how to reach them, how to check their badges."""
    rt = runtime()
    profile = get_profile(db.session(), current_app.config)
    page = render_template(
        "hosted/issuer.html",
        issuer=profile,
        page_url=json_url.split("?", 1)[0],
        logo_url=hosted.logo_url(rt) if profile.logo_png else None,
    )
    return page_of(current_app.make_response(page), json_url, hosted.REVALIDATE)


@bp.get("/issuer")
def issuer() -> ResponseReturnValue:
    """The issuer Profile, naming the signing key and the revocation list (a page for a browser)."""
    if wants_page():
        return _issuer_page(f"{runtime().urls.issuer}?format=json")
    return serve(hosted.issuer_profile(db.session(), runtime(), current_app.config), vary=True)


@bp.get("/issuer/<kid>")
def issuer_of_key(kid: str) -> ResponseReturnValue:
    """The issuer Profile as owner of one key, current or retired (named by that key's BadgeClasses)."""
    doc = hosted.issuer_profile(db.session(), runtime(), current_app.config, kid)
    if doc is None:
        return not_found("Aucune clé de cet émetteur ne porte ce nom.", vary=True)
    if wants_page():
        return _issuer_page(f"{runtime().urls.issuer_for_key(kid)}?format=json")
    return serve(doc, vary=True)


@bp.get("/issuer/image.png")
def issuer_image() -> ResponseReturnValue:
    """The issuer's logo."""
    logo = hosted.issuer_logo(db.session())
    if not logo:
        return not_found("Cet émetteur n'a pas de logo.")
    return serve(Hosted(logo, hosted.etag_of(logo), hosted.REVALIDATE, "image/png"))


@bp.get("/keys/<kid>")
def key(kid: str) -> ResponseReturnValue:
    """A public key, current or retired."""
    doc = hosted.key(db.session(), runtime(), kid)
    return serve(doc) if doc else not_found("Aucune clé de cet émetteur ne porte ce nom.")


@bp.get("/revocations")
def revocations() -> ResponseReturnValue:
    """The list of every revoked assertion."""
    return serve(hosted.revocations(db.session(), runtime()))


def _did_document() -> ResponseReturnValue:
    rt = runtime()
    # One DID per structure, at the did:web path form of its address only.
    doc = (
        ob3.did_document(db.session(), rt)
        if urlsplit(rt.urls.did_document).path == request.script_root + request.path
        else None
    )
    if doc is None:
        return not_found("Cet émetteur n'a pas d'identifiant did:web à cette adresse.")
    body = badges.canonical_json(doc)
    return serve(Hosted(body, hosted.etag_of(body), hosted.REVALIDATE, "application/did+json"))


@bp.get("/did.json")
def did_document() -> ResponseReturnValue:
    """The DID document of a structure whose address has a path (did:web:host:s:slug...)."""
    return _did_document()


@bp.get("/.well-known/did.json")
def did_document_root() -> ResponseReturnValue:
    """The DID document of the structure at the host's root (did:web:host)."""
    return _did_document()


@bp.get("/statut/<int:number>")
def status_list(number: int) -> ResponseReturnValue:
    """A Bitstring Status List credential (Open Badges 3.0 revocation): revalidated at each use."""
    found = ob3.served_list(db.session(), runtime(), number, utcnow())
    if found is None:
        return not_found("Cet émetteur n'a pas de liste de révocation à cette adresse.")
    document, etag = found
    return serve(Hosted(document.encode(), etag, hosted.REVALIDATE))


def _version(skill: str, version: int, *, vary: bool = False) -> BadgeClassVersion | Response:
    """The published version, or the 404 to answer."""
    row = hosted.badge_class_row(db.session(), skill, version)
    if row is None:
        return not_found("Ce badge (ou cette version) n'existe pas chez cet émetteur.", vary=vary)
    return row


@bp.get("/badges/<skill>/v<int:version>")
def badge_class(skill: str, version: int) -> ResponseReturnValue:
    """One version of a BadgeClass, as published (its criteria page for a browser)."""
    row = _version(skill, version, vary=True)
    if isinstance(row, Response):
        return row
    if wants_page():
        return page_of(_criteria_page(row), f"{row.data.get('id')}?format=json", hosted.REVALIDATE)
    return serve(hosted.badge_class(row), vary=True)


@bp.get("/badges/<skill>/v<int:version>/image.<any(png, svg):kind>")
def badge_image(skill: str, version: int, kind: str) -> ResponseReturnValue:
    """The image of a BadgeClass version (PNG always, SVG when the version has one)."""
    row = _version(skill, version)
    if isinstance(row, Response):
        return row
    doc = hosted.badge_image(row, kind)
    return serve(doc) if doc else not_found("Ce badge n'a pas d'image SVG.")


@bp.get("/badges/<skill>/v<int:version>/criteres")
def criteria(skill: str, version: int) -> ResponseReturnValue:
    """The human page of a badge's criteria."""
    row = _version(skill, version)
    if isinstance(row, Response):
        return row
    return _public(_criteria_page(row), hosted.REVALIDATE)


def _criteria_page(row: BadgeClassVersion) -> Response:
    """The human page of a BadgeClass version: what it certifies, and the criteria to earn it."""
    doc = row.data
    rt = runtime()
    try:
        branch = rt.tree.branch(row.branch_id).name
    except KeyError:
        branch = row.branch_id
    narrative = (doc.get("criteria") or {}).get("narrative", "")
    page = render_template(
        "hosted/criteria.html",
        row=row,
        doc=doc,
        branch=branch,
        criteria=safe_html(narrative),
        issuer=get_profile(db.session(), current_app.config),
    )
    return current_app.make_response(page)


@bp.get("/assertions/<uid>")
def assertion(uid: str) -> ResponseReturnValue:
    """An assertion: JSON-LD for badge tools, the verification page for a browser."""
    as_json = uid.endswith(".json") or not wants_page()
    uid = uid.removesuffix(".json")
    if not as_json:
        page = assertion_page(uid)
        page.vary.update(("Accept", "User-Agent"))
        if hosted.safe_id(uid, 36):  # a path segment is decoded: never echo one unchecked into a header
            page.headers["Link"] = (
                f'<{runtime().urls.assertion(uid)}.json>; rel="alternate"; type="{LD_JSON}"'
            )
        page.headers["Content-Language"] = LANGUAGE
        return page
    record = hosted.assertion_record(db.engine(), uid)
    if record is None or record.structure_id != runtime().structure_id:
        return not_found("Aucun badge délivré ici ne porte cet identifiant.", vary=True)
    if record.revoked:
        return serve(hosted.revoked_assertion(runtime(), record), vary=True)
    # The stored canonical bytes are the document: served as they are, never re-encoded.
    body = record.document.encode("utf-8")
    return serve(Hosted(body, record.etag, hosted.REVALIDATE), vary=True)


@bp.get("/assertions/<uid>/ob3.json")
def assertion_credential(uid: str) -> ResponseReturnValue:
    """An assertion's Open Badges 3.0 twin (an OpenBadgeCredential), for wallets and verifiers."""
    doc = hosted.assertion_credential(db.session(), uid)
    if doc is None:
        return not_found("Aucun badge Open Badges 3.0 délivré ici ne porte cet identifiant.")
    return serve(doc)


@bp.get("/reconnaissances/<uid>")
def endorsement(uid: str) -> ResponseReturnValue:
    """An Endorsement this structure made of another's badge (JSON-LD; ``.jws`` for its signed form)."""
    signed = uid.endswith(".jws")
    row = endorsements.hosted_endorsement(db.session(), uid.removesuffix(".jws"))
    if row is None:
        return not_found("Aucune reconnaissance de cet émetteur ne porte cet identifiant.")
    if signed:
        body = row.jws.encode("ascii")
        return serve(Hosted(body, hosted.etag_of(body), hosted.REVALIDATE, "application/jose"))
    body = row.document.encode("utf-8")
    return serve(Hosted(body, hosted.etag_of(body), hosted.REVALIDATE))


@bp.get("/verifier.html")
def archive_verifier() -> ResponseReturnValue:
    """The archive's verification page: checks a badge in the browser from the published files alone.

    Served live too, but made for the static copy (``verifier.html`` of each structure's folder):
    wherever the archive is hosted, this page and ``static/public/verifier.js`` verify its badges.
    """
    rt = runtime()
    page = render_template(
        "hosted/archive_verifier.html",
        issuer=get_profile(db.session(), current_app.config),
        example=rt.urls.assertion("…"),
    )
    return _public(current_app.make_response(page), hosted.REVALIDATE)


@bp.get("/destinataires/<token>")
def recipient(token: str) -> ResponseReturnValue:
    """The identity URL of a learner without email; it reveals nothing about the person."""
    doc = hosted.recipient(db.session(), runtime(), token)
    if doc is None:
        return not_found("Cette adresse ne correspond à aucun·e destinataire.", vary=True)
    if wants_page():
        resp = current_app.make_response(render_template("hosted/recipient.html"))
        resp.headers["X-Robots-Tag"] = "noindex, nofollow"
        return _public(resp, hosted.REVALIDATE, vary=True)
    return serve(doc, vary=True)


BLUEPRINTS = ()
# Each structure's documents at its own URLs: the first one's at the root, the others' under /s/<slug>.
PER_STRUCTURE = (bp,)
