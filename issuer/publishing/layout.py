"""Where each public document lies in the publish directory: the path of its URL, plus a suffix.

A URL answered in two forms (JSON-LD for badge tools, a page for browsers) has both files beside its
path: ``assertions/<uid>.json`` and ``assertions/<uid>.html``. A revoked assertion has no ``.json``:
its revoked document is ``assertions/<uid>.gone``, which nginx answers with ``410 Gone`` (so that the
live path costs nginx one look-up, and a revoked badge can never be served from a stale ``.json``). Images keep the name of
their URL. Paths are relative to the path of the structure's base URL, so each structure (its own
``Urls``) is published into its own folder by the same functions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..urls import Urls

__all__ = ["CREDENTIAL", "GONE", "HTML", "JSON", "TOP_LEVEL", "relative"]

JSON, HTML, GONE = ".json", ".html", ".gone"
# An assertion's Open Badges 3.0 credential, beside its folder: ``assertions/<uid>/ob3.json``
# (``ob3.json.gone`` once revoked), as its URL says.
CREDENTIAL = "/ob3.json"
# The entries of a publish directory that publishing owns; anything else in it is left alone
# (another structure's folder, a file the administrator put there).
TOP_LEVEL = frozenset(
    {
        "issuer",
        "issuer.json",
        "issuer.html",
        "keys",
        "revocations.json",
        "badges",
        "assertions",
        "destinataires",
        "static",
        "verifier.html",
        # Open Badges 3.0: the did:web document (at the host's root, or beside a structure's
        # folder) and the status lists.
        ".well-known",
        "did.json",
        "statut",
    }
)


def structure_folder(urls: Urls) -> str:
    """Where a structure's files live in the publish directory: '' for the first, ``s/<slug>`` for others."""
    site, base = urlsplit(urls.site).path.rstrip("/"), urlsplit(urls.base).path.rstrip("/")
    return base[len(site) :].strip("/")


def relative(urls: Urls, url: str) -> str:
    """The path of an address relative to the instance's (``assertions/abc``, ``s/voisine/issuer``).

    Relative to the site, not the structure: each structure's files stay under its own ``s/<slug>``.
    """
    base = urlsplit(urls.site).path.rstrip("/")
    path = urlsplit(url).path
    if not (path + "/").startswith(base + "/"):
        raise ValueError(f"{url} n'est pas une adresse de {urls.base}")
    rel = path[len(base) :].strip("/")
    if not rel or any(part in ("", ".", "..") for part in rel.split("/")):
        raise ValueError(f"{url} ne peut pas être publiée")
    return rel
