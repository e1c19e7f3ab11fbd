"""Benchmark: a 30-badge cahier against WeasyPrint alone on a plain document of the same text and images.

``run()`` builds a throw-away instance (SQLite, a generated tree big enough), awards the badges, then
times the whole cahier path (gathering, HTML, rendering child) and, for reference, WeasyPrint rendering a
plain HTML page holding the same words and the same images (QR codes, badge PNGs, map), without design:
paragraphs and images only.
``python -m benchmarks.cahier`` prints the figures.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

REPEATS = 3
CRITERIA = (
    "Pendant une séance de jeu en équipe, la personne :\n"
    "- reste avec son équipe et suit le plan décidé ensemble, pendant toute une partie ;\n"
    "- propose spontanément son aide à un coéquipier en difficulté, au moins deux fois ;\n"
    "- partage les ressources du jeu (objets, soins, munitions) au lieu de les garder.\n"
)
NARRATIVE = (
    "A proposé son aide à un coéquipier bloqué, deux fois pendant la partie, sans qu'on le lui "
    "demande, puis a expliqué le plan aux nouveaux arrivés."
)
COLOURS = ("#1E6FD9", "#7B3FC4", "#00897B", "#C62828", "#D96C00", "#2E7D32", "#C2185B")


def tree_yaml(n_skills: int, tiers: int = 5) -> str:
    """A tree of ``n_skills`` skills: branches of ``tiers`` skills, each needing the one below."""
    branches = max(1, -(-n_skills // tiers))
    lines = ["version: 1", "name: Arbre du banc d'essai", "description: Un arbre généré.", "branches:"]
    for b in range(branches):
        lines += [
            f"  - id: b{b}",
            f"    name: Branche {b + 1}",
            "    description: Une famille.",
            f'    colour: "{COLOURS[b % len(COLOURS)]}"',
        ]
    lines.append("skills:")
    for i in range(n_skills):
        b, t = divmod(i, tiers)
        lines += [
            f"  - id: b{b}-{t + 1}",
            f"    branch: b{b}",
            f"    tier: {t + 1}",
            f"    name: Compétence {b + 1}.{t + 1} du jeu en équipe",
            "    description: Agit avec les autres pour atteindre un objectif commun.",
            "    criteria: |",
            *("      " + line for line in CRITERIA.splitlines()),
            "    alignments:",
            "      - framework: CléA",
            "        code: Domaine 4",
            "        name: Travailler en équipe",
            "        url: https://certificat-clea.fr/le-dispositif-clea/le-referentiel",
        ]
        if t:
            lines.append(f"    requires: b{b}-{t}")
    return "\n".join(lines) + "\n"


class _Plain(HTMLParser):
    """Keeps the words, the images and the plain semantic tags of a page; drops classes, styles, layout."""

    KEEP = {"p", "h1", "h2", "h3", "ul", "ol", "li", "strong", "br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self.skip += 1
        elif tag == "img":
            self.out.append(f'<img src="{escape(dict(attrs).get("src") or "")}" width="90">')
        elif tag in self.KEEP:
            self.out.append(f"<{tag}>")
        elif tag in ("div", "section", "article"):
            self.out.append("<p>")

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self.skip -= 1
        elif tag in self.KEEP:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(data))


def reference_html(cahier_html: str) -> str:
    """The cahier's own words and images in the plainest HTML: what WeasyPrint costs at the least."""
    plain = _Plain()
    plain.feed(cahier_html)
    return '<html lang="fr"><body>' + "".join(plain.out) + "</body></html>"


def _instance(root: Path, n_badges: int):
    from badges import generate_private_key
    from issuer import create_app, db, migrate
    from issuer.admin import profile
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime

    tree_path = root / "arbre.yaml"
    tree_path.write_text(tree_yaml(n_badges), encoding="utf-8")
    app = create_app(
        {
            "SECRET_KEY": "banc",
            "BASE_URL": "https://badges.exemple.fr",
            "DATABASE_URL": f"sqlite:///{root / 'palier.sqlite3'}",
            "KEYS_DIR": str(root / "keys"),
            "SKILLTREE": str(tree_path),
        }
    )
    with app.app_context():
        migrate.upgrade(db.engine())
        session, rt = db.session(), runtime()
        start = utcnow() - timedelta(days=n_badges)
        rt.keys.install(session, generate_private_key(), start)
        profile.get_profile(session, app.config).name = "Maison des jeunes du banc d'essai"
        learner = learners.create_learner(
            session, learners.LearnerData("Lina", None, "adult", name_public=True), actor=None, now=start
        )
        for day, skill in enumerate(rt.tree.topological_order()[:n_badges]):
            awarding.award(
                session,
                rt,
                learner_id=learner.id,
                skill_id=skill.id,
                actor=None,
                evidence=awarding.Evidence(NARRATIVE, game="Overcooked 2"),
                now=start + timedelta(days=day),
            )
        session.commit()
        return app, learner.id


def run(n_badges: int = 30) -> dict[str, Any]:
    """Time a ``n_badges`` cahier end to end against WeasyPrint on the plain reference document."""
    from issuer import db
    from issuer.cahier import pdf as cahier
    from issuer.cahier import printing as cahier_print
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with tempfile.TemporaryDirectory(prefix="palier-bench-cahier-") as tmp:
        previous = os.environ.get("PALIER_INSTANCE_PATH")
        os.environ["PALIER_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        try:
            app, learner_id = _instance(Path(tmp), n_badges)
        finally:
            if previous is None:
                os.environ.pop("PALIER_INSTANCE_PATH", None)
            else:
                os.environ["PALIER_INSTANCE_PATH"] = previous
        with app.app_context():
            session, rt = db.session(), runtime()

            def whole() -> Any:
                learner = learners.get(session, learner_id)
                gathered = cahier_print._gather(session, rt, app.config, learner, utcnow())
                page = cahier_print.html(gathered)
                return cahier.render([page]), page

            (_, page) = whole()  # warm-up: starts the fork server, fills the image and QR caches
            reference = reference_html(page)
            cahier.render([reference])
            ours, theirs = [], []
            for _ in range(REPEATS):  # interleaved, so that a busy machine weighs on both alike
                started = time.perf_counter()
                done, _ = whole()
                ours.append((time.perf_counter() - started, done))
                started = time.perf_counter()
                plain = cahier.render([reference])
                theirs.append((time.perf_counter() - started, plain))
            db.engine().dispose()
    cahier_s = statistics.median(t for t, _ in ours)
    reference_s = statistics.median(t for t, _ in theirs)
    cahier_mib = max(r.peak_kib for _, r in ours) / 1024
    reference_mib = max(r.peak_kib for _, r in theirs) / 1024
    return {
        "n_badges": n_badges,
        "pages": ours[-1][1].pages,
        "pdf_kib": len(ours[-1][1].pdf) // 1024,
        "cahier_seconds": round(cahier_s, 3),
        "reference_seconds": round(reference_s, 3),
        "ratio": round(cahier_s / reference_s, 2),
        "cahier_peak_mib": round(cahier_mib, 1),
        "reference_peak_mib": round(reference_mib, 1),
        "memory_ratio": round(cahier_mib / reference_mib, 2),
        "target_ratio": 1.3,
    }


def main() -> None:
    """Print the figures of one run."""
    figures = run()
    print(
        f"Cahier des Open Badges, {figures['n_badges']} badges : {figures['pages']} pages, {figures['pdf_kib']} Kio"
    )
    print(
        f"  temps   : cahier {figures['cahier_seconds']:.2f} s, référence WeasyPrint "
        f"{figures['reference_seconds']:.2f} s, ratio {figures['ratio']:.2f} (objectif ≤ {figures['target_ratio']})"
    )
    print(
        f"  mémoire : cahier {figures['cahier_peak_mib']:.0f} Mio, référence {figures['reference_peak_mib']:.0f} Mio, "
        f"ratio {figures['memory_ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
