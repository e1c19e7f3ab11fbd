"""The commands a structure's Discord application offers, as Discord's API takes them.

``/reconnaitre`` and the user context-menu entry are hidden by default (``default_member_permissions``
"0"): the server's administrator grants them to the mediators' role (Server Settings > Integrations).
``/lier`` is open to all: it does nothing without a code made in Palier.
"""

from __future__ import annotations

from typing import Any

from .interactions import CONTEXT_ENTRY, LINK, RECOGNISE

SLASH, USER_ENTRY = 1, 2
USER_OPTION, TEXT_OPTION = 6, 3


def definitions() -> list[dict[str, Any]]:
    """Every command of the application, to register (``palier discord register``)."""
    return [
        {
            "name": RECOGNISE,
            "type": SLASH,
            "description": "Reconnaître une compétence observée chez un·e jeune (réponse visible par vous seul·e)",
            "default_member_permissions": "0",
            "dm_permission": False,
            "contexts": [0],
            "options": [
                {
                    "name": "jeune",
                    "description": "La personne dont vous avez observé la compétence",
                    "type": USER_OPTION,
                    "required": True,
                },
                {
                    "name": "competence",
                    "description": "La compétence (badge) de l'arbre de la structure",
                    "type": TEXT_OPTION,
                    "required": True,
                    "autocomplete": True,
                },
            ],
        },
        {
            "name": CONTEXT_ENTRY,
            "type": USER_ENTRY,
            "default_member_permissions": "0",
            "dm_permission": False,
            "contexts": [0],
        },
        {
            "name": LINK,
            "type": SLASH,
            "description": "Relier votre compte Discord à votre compte Palier de médiateur·rice",
            "dm_permission": False,
            "contexts": [0],
            "options": [
                {
                    "name": "code",
                    "description": "Le code affiché sur la page « Discord » de Palier",
                    "type": TEXT_OPTION,
                    "required": True,
                    "max_length": 20,
                },
            ],
        },
    ]
