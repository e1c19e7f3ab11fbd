"""Minting the permanent ids of Open Badges documents from the configured public base URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from badges.ob3 import url_to_did_web


@dataclass(frozen=True)
class Urls:
    """Every public id Palier mints; built from ``BASE_URL``, never from a request's Host."""

    base: str
    # The instance's own address (BASE_URL): the young people's pages live there, whatever the structure.
    site: str = ""

    def __post_init__(self) -> None:
        if not self.site:
            object.__setattr__(self, "site", self.base)

    def owns(self, url: object) -> bool:
        """Whether ``url`` is an address of this issuer (same scheme, host, port and path prefix)."""
        if not isinstance(url, str):
            return False
        try:
            ours, theirs = urlsplit(self.base), urlsplit(url)
        except ValueError:
            return False
        return (
            theirs.scheme == ours.scheme
            and theirs.netloc.lower() == ours.netloc.lower()
            and (theirs.path + "/").startswith(ours.path.rstrip("/") + "/")
        )

    @property
    def issuer(self) -> str:
        """The issuer Profile."""
        return f"{self.base}/issuer"

    def issuer_for_key(self, kid: str) -> str:
        """The Profile of the issuer as the owner of one signing key (named by its BadgeClasses)."""
        return f"{self.base}/issuer/{kid}"

    @property
    def revocations(self) -> str:
        """The RevocationList."""
        return f"{self.base}/revocations"

    @property
    def verifier(self) -> str:
        """The archive's verification page (checks a badge in the browser from the static copy alone)."""
        return f"{self.base}/verifier.html"

    @property
    def did_document(self) -> str:
        """Where the structure's did:web document lives: the did:web path form of its address
        (``/.well-known/did.json`` at a host's root, ``<path>/did.json`` under a path)."""
        path = urlsplit(self.base).path.rstrip("/")
        return f"{self.base}/did.json" if path else f"{self.base}/.well-known/did.json"

    @property
    def did(self) -> str:
        """The structure's did:web (its Open Badges 3.0 issuer id); ValueError without https."""
        return url_to_did_web(self.did_document)  # its DocumentError is a ValueError

    def status_list(self, number: int) -> str:
        """One of the structure's Bitstring Status List credentials (Open Badges 3.0 revocation)."""
        return f"{self.base}/statut/{number}"

    def collect(self, code: str) -> str:
        """The page a handover code's QR opens (the code filled in, one tap to take it)."""
        return f"{self.site}/r/{code}"

    def key(self, kid: str) -> str:
        """A CryptographicKey."""
        return f"{self.base}/keys/{kid}"

    def badge_class(self, skill_id: str, version: int) -> str:
        """One version of a BadgeClass."""
        return f"{self.base}/badges/{skill_id}/v{version}"

    def badge_image(self, skill_id: str, version: int) -> str:
        """The image of one BadgeClass version."""
        return f"{self.base}/badges/{skill_id}/v{version}/image.png"

    def criteria(self, skill_id: str, version: int) -> str:
        """The human page of a BadgeClass version's criteria."""
        return f"{self.base}/badges/{skill_id}/v{version}/criteres"

    def assertion(self, uid: str) -> str:
        """An Assertion (and, for a browser, its verification page)."""
        return f"{self.base}/assertions/{uid}"

    def endorsement(self, uid: str) -> str:
        """An Endorsement this structure made of another structure's badge."""
        return f"{self.base}/reconnaissances/{uid}"

    def recipient(self, token: str) -> str:
        """The stable identity URL of a learner without email."""
        return f"{self.base}/destinataires/{token}"

    def portfolio(self, token: str) -> str:
        """A young person's personal page."""
        return f"{self.site}/p/{token}"

    def claim(self, token: str) -> str:
        """The confirmation link mailed to an address a young person attached to their badges."""
        return f"{self.site}/sac-a-badges/{token}"

    def share(self, token: str) -> str:
        """A young person's public view: their badges, as much of them as consent allows."""
        return f"{self.site}/partage/{token}"

    def within_site(self, url: str) -> tuple[str | None, list[str]] | None:
        """An URL of this instance, read as (structure slug, or None for the first; its path's parts)."""
        site = Urls(self.site)
        if not site.owns(url):
            return None
        rest = url[len(self.site) :].split("?", 1)[0].split("#", 1)[0]
        parts = [p for p in rest.split("/") if p]
        if len(parts) >= 2 and parts[0] == "s":
            return parts[1], parts[2:]
        return None, parts

    def uid_from_assertion(self, url: str) -> str | None:
        """The assertion uid an URL of this instance points at (whichever structure's), or None."""
        found = self.within_site(url) if self.owns(url) or self.site != self.base else None
        if found is None:
            return None
        parts = found[1]
        if len(parts) >= 2 and parts[0] == "assertions":
            return parts[1]
        return None
