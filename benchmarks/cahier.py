"""Benchmark: the cahier of N badges, from ``palier cahier`` and as a web request, against the reference.

The reference is ``ref_booklet.py`` (shared with the team, outside this repository): WeasyPrint alone
rendering a plain booklet of N badge cards, each with a PNG badge image and a PNG QR code, run as its
own process. Everything is measured as whole processes, in the same run, interleaved:

- ``palier cahier ID -o FILE``: the command's wall time, start-up and imports included; its memory is
  that of its whole process tree (the command, a fork server if any, rendering children);
- the web request (``GET /p/<token>/cahier.pdf`` under gunicorn, one worker, the PDF cache off): the
  request's wall time; its memory is what the worker's peak grew by, plus the fork server and the
  rendering child whole;
- the reference: ``python ref_booklet.py OUT.pdf N``, wall time and peak memory.

Memory is given two ways (see ``benchmarks/processes.py``): the sum of each process's peak resident size
(pages shared after a fork count in each process: an upper bound) and the peak of the summed PSS.
``python -m benchmarks.cahier [N ...]`` prints the figures (16 and 22 badges by default).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from .fixture import HOST, Instance, award, bench_config
from .server import LOOPBACK, PROJECT_ROOT

TARGET = 1.3
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


def _compile_bytecode() -> None:
    """Compile Palier's own modules, as an installed Palier has them.

    The reference imports only installed libraries, whose bytecode pip compiled; Palier is installed
    in editable mode, and under ``PYTHONDONTWRITEBYTECODE`` (set on some machines) each ``palier``
    process would compile every module again (about 0.4 s here): a cost no installed instance pays.
    """
    import compileall

    for package in ("badges", "skilltree", "issuer"):
        compileall.compile_dir(str(PROJECT_ROOT / package), quiet=1, workers=1)


def reference_script() -> Path | None:
    """The shared reference booklet (``ref_booklet.py``): ``PALIER_REF_BOOKLET``, or ``shared/bench`` near."""
    named = os.environ.get("PALIER_REF_BOOKLET")
    candidates = [Path(named)] if named else []
    candidates += [parent / "shared" / "bench" / "ref_booklet.py" for parent in PROJECT_ROOT.parents[:3]]
    return next((path for path in candidates if path.is_file()), None)


def _instance(root: Path, n_badges: int) -> tuple[Instance, int, str]:
    """An instance (config file included, as ``palier`` reads it) with one young person and her badges."""
    import skilltree
    from badges import generate_private_key
    from issuer import create_app, db, migrate
    from issuer.admin import profile
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime

    root.mkdir(parents=True)
    default = skilltree.default_tree_path()
    tree_path = default
    if len(skilltree.load_tree(default).skills) < n_badges:  # more badges than the shipped tree has
        tree_path = root / "arbre.yaml"
        tree_path.write_text(tree_yaml(n_badges), encoding="utf-8")
    config = {
        **bench_config(root),
        "SKILLTREE": str(tree_path),
        "PDF_CACHE_BYTES": 0,  # every request renders: the cache would measure a dictionary
    }
    instance = Instance(root, config, generate_private_key())
    instance.config_path.write_text(json.dumps(config))
    (root / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in config.items()))
    app = create_app(instance_path=str(root))
    with app.app_context():
        migrate.upgrade(db.engine())
        session, rt = db.session(), runtime()
        start = utcnow() - timedelta(days=n_badges)
        rt.keys.install(session, instance.private_pem, start)
        profile.get_profile(session, app.config).name = "Maison des jeunes du banc d'essai"
        learner = learners.create_learner(
            session,
            learners.LearnerData("Lina Benali", None, "adult", name_public=True),
            actor=None,
            now=start,
        )
        for day, skill in enumerate(rt.tree.topological_order()[:n_badges]):
            when = start + timedelta(days=day)
            award(session, rt, learner.id, skill.id, now=when, game="Overcooked 2", narrative=NARRATIVE)
        session.commit()
        token = learner.portfolio_token
        assert token is not None
        learner_id = learner.id
        db.engine().dispose()
    return instance, learner_id, token


def _get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"GET {path[:12]}… : {response.status} {body[:200]!r}")
        return body
    finally:
        conn.close()


def _pages(cli_output: bytes) -> int:
    found = re.search(rb"\((\d+) pages?", cli_output)
    return int(found.group(1)) if found else 0


def run(n_badges: int = 22, repeats: int = REPEATS) -> dict[str, Any]:
    """Time and weigh ``palier cahier`` and the cahier as a web request against the reference booklet."""
    from . import processes
    from .server import gunicorn

    script = reference_script()
    if script is None:
        raise FileNotFoundError("ref_booklet.py introuvable (PALIER_REF_BOOKLET ou ../shared/bench/)")
    palier = Path(sys.executable).with_name("palier")
    _compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="palier-bench-cahier-") as tmp:
        root = Path(tmp)
        instance, learner_id, token = _instance(root / "instance", n_badges)
        env = {**os.environ, "PALIER_INSTANCE_PATH": str(instance.root), "PYTHONPATH": str(PROJECT_ROOT)}
        env.pop("PALIER_BENCH_CONFIG", None)
        cli = [str(palier), "cahier", str(learner_id), "-o", str(root / "cahier.pdf")]
        ref = [sys.executable, str(script), str(root / "ref.pdf"), str(n_badges)]
        path = f"/p/{token}/cahier.pdf"
        ours, web, theirs = [], [], []
        pages = 0
        with gunicorn(instance, 1, root / "gunicorn.log") as server:
            master = server.pid
            _get(server.port, path)  # the worker's first render starts its fork server
            for _ in range(repeats):  # interleaved, so that a busy machine weighs on all alike
                theirs.append(processes.run(ref, env=env, cwd=root))
                done = processes.run(cli, env=env, cwd=root)
                ours.append(done)
                pages = _pages(done.output)
                with processes.served(master, skip=[master]) as request:
                    pdf = _get(server.port, path)
                web.append(request)
    median = statistics.median
    ref_s = median(u.seconds for u in theirs)
    ref_rss = max(u.rss_kib for u in theirs) / 1024
    ref_pss = max(u.pss_kib for u in theirs) / 1024
    ref_own = max(u.own_kib for u in theirs) / 1024
    figures = {
        "n_badges": n_badges,
        "pages": pages,
        "pdf_kib": len(pdf) // 1024,
        "reference_seconds": round(ref_s, 3),
        "reference_peak_mib": round(ref_rss, 1),
        "reference_pss_mib": round(ref_pss, 1),
        # ref_booklet.py's own process, without the ldconfig/gcc/ld helpers its WeasyPrint import runs
        "reference_own_mib": round(ref_own, 1),
        "target_ratio": TARGET,
    }
    for name, runs in (("cli", ours), ("web", web)):
        seconds = median(u.seconds for u in runs)
        rss = max(u.rss_kib for u in runs) / 1024
        pss = max(u.pss_kib for u in runs) / 1024
        figures |= {
            f"{name}_seconds": round(seconds, 3),
            f"{name}_ratio": round(seconds / ref_s, 2),
            f"{name}_peak_mib": round(rss, 1),
            f"{name}_memory_ratio": round(rss / ref_rss, 2),
            f"{name}_pss_mib": round(pss, 1),
            f"{name}_pss_ratio": round(pss / ref_pss, 2),
            f"{name}_processes": max(u.processes for u in runs),
            # the stricter ratio: the whole tree against the reference's own process alone
            f"{name}_memory_ratio_strict": round(rss / ref_own, 2),
        }
    # The keys the summary table reads (benchmarks/pdf.py): the command line's.
    figures |= {"cahier_seconds": figures["cli_seconds"], "cahier_peak_mib": figures["cli_peak_mib"]}
    return figures


def main() -> None:
    """Print the figures of one run for each size asked (``python -m benchmarks.cahier 16 22``)."""
    for n in [int(a) for a in sys.argv[1:]] or [16, 22]:
        f = run(n)
        print(f"Cahier de {n} badges : {f['pages']} pages, {f['pdf_kib']} Kio ; référence ref_booklet.py")
        print(
            f"  référence : {f['reference_seconds']:.2f} s, {f['reference_peak_mib']:.0f} Mio "
            f"(pic RSS), {f['reference_pss_mib']:.0f} Mio (pic PSS), {f['reference_own_mib']:.0f} Mio "
            "(son seul processus)"
        )
        for name, label in (("cli", "palier cahier"), ("web", "requête web")):
            print(
                f"  {label:14}: {f[name + '_seconds']:.2f} s ({f[name + '_ratio']:.2f}x), "
                f"{f[name + '_peak_mib']:.0f} Mio RSS ({f[name + '_memory_ratio']:.2f}x, "
                f"{f[name + '_memory_ratio_strict']:.2f}x son seul processus), "
                f"{f[name + '_pss_mib']:.0f} Mio PSS ({f[name + '_pss_ratio']:.2f}x), "
                f"{f[name + '_processes']} processus ; objectif ≤ {f['target_ratio']}x"
            )
        print(json.dumps(f), flush=True)


if __name__ == "__main__":
    main()
