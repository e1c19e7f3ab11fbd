"""The French sentences of the Discord refusals (their codes are in ``issuer.errors.Code``), joined to the
others when this feature is imported: ``issuer/errors.py`` is at the length the architecture allows."""

from __future__ import annotations

from ..errors import MESSAGES, N_, Code, PalierError

TEXTS: dict[Code, str] = {
    Code.DISCORD_SIGNATURE: N_("Signature Discord absente ou invalide : la requête est refusée."),
    Code.DISCORD_STALE: N_("Requête Discord trop ancienne ou déjà reçue : elle est refusée."),
    Code.DISCORD_GUILD: N_(
        "Ce serveur Discord n'est pas relié à cette structure dans Palier : aucun badge ne peut y être "
        "délivré. Rien n'a été enregistré."
    ),
    Code.DISCORD_USER: N_(
        "Votre compte Discord n'est relié à aucun compte de médiateur·rice actif de cette structure : "
        "créez un code sur la page « Discord » de Palier, puis tapez /lier avec ce code. Rien n'a été "
        "enregistré."
    ),
    Code.DISCORD_LINK_CODE: N_(
        "Ce code de liaison ne marche pas : il ne sert qu'une fois, pendant 10 minutes. Créez-en un "
        "nouveau sur la page « Discord » de Palier. Rien n'a été enregistré."
    ),
    Code.DISCORD_CLAIM: N_(
        "Ce code ne marche pas : il a peut-être déjà servi, expiré ou été mal recopié. Demandez un "
        "nouveau code à votre médiateur ou à votre médiatrice."
    ),
    Code.DISCORD_MINOR: N_(
        "Ce ou cette jeune a moins de 15 ans et aucun accord d'un parent n'est enregistré dans Palier : "
        "aucun badge ne lui est délivré par Discord. Rien n'a été enregistré."
    ),
    Code.DISCORD_SETTINGS: N_("Réglages Discord refusés, rien n'a été enregistré : %(detail)s"),
    Code.DISCORD_UNKNOWN: N_("Palier ne connaît pas cette commande Discord : rien n'a été enregistré."),
}
MESSAGES.update(TEXTS)


class Unauthenticated(PalierError):
    """A request Discord did not sign, or signed too long ago, or already sent: 401, nothing read."""

    status = 401
