"""Preloaded by the PDF fork server: WeasyPrint imported and its fonts loaded once, for every child."""

from __future__ import annotations

from .pdf import render_in_process

# Fontconfig's set-up and WeasyPrint's user-agent stylesheets cost about a third of a second per
# process; done here, in the fork server, every rendering child starts with them ready.
render_in_process(
    [
        (
            '<html lang="fr"><body style="font-family: \'DejaVu Sans\'">Palier <b>é</b> '
            "<code>0</code></body></html>"
        )
    ]
)
