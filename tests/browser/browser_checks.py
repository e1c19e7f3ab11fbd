"""The browser harness: what the tests need installed, and the checks run on every page."""

from __future__ import annotations

import json
import os
import shutil
import weakref
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent.parent / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"
CHROMIUM = os.environ.get("PALIER_CHROMIUM", "/usr/bin/chromium")
# No background traffic from the browser: the tests must never reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# WCAG 2.2 A/AA plus axe's best practices; only what axe rates serious or critical fails a test.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")
# What the browser itself reports while a page is used: CSP refusals, script errors, broken assets.
_TROUBLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None when everything they need is installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright pour Python n'est pas installé (pip install -e '.[test]')"
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        return f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium"
    if not AXE_JS.is_file():
        return "axe-core absent : lancez « npm ci » dans tests/browser"
    return None


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; fail loudly in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"Tests navigateur impossibles en CI : {reason}", pytrace=False)
    pytest.skip(reason)


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def inject_axe(page) -> None:
    """Load axe-core into the page through the DevTools protocol.

    Palier's CSP (``script-src 'self'``) blocks an inline <script>, so ``add_script_tag`` would fail;
    DevTools evaluation is not subject to the page's CSP, which keeps the policy itself untouched
    (no ``bypass_csp`` context, so the journeys still run under the real CSP).
    """
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    cdp = page.context.new_cdp_session(page)
    try:
        answer = cdp.send("Runtime.evaluate", {"expression": _axe_source(), "returnByValue": True})
    finally:
        cdp.detach()
    if "exceptionDetails" in answer:
        raise AssertionError(f"axe-core n'a pas pu être chargé : {answer['exceptionDetails']}")


def axe_violations(page, name: str) -> list[dict]:
    """The serious or critical violations axe-core finds on the page as it is now.

    Every violation, minor ones included, and what axe left undecided are written to
    test-artifacts/axe/<name>.json for review.
    """
    inject_axe(page)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    # "incomplete" is what axe could not decide alone (text over an image, say): for a human to review.
    report = {
        "url": page.url,
        "axe": result["testEngine"]["version"],
        "violations": result["violations"],
        "incomplete": [
            {"id": r["id"], "help": r["help"], "targets": [n["target"] for n in r["nodes"]]}
            for r in result["incomplete"]
        ],
    }
    (AXE_REPORTS / f"{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    """A readable list of violations: rule, impact, help and the first offending elements."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(
                f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return "\n".join(lines)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ (kept by CI): the whole page, or what is in view."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def watch(page) -> None:
    """Record the console errors, page errors and failed requests of a page as it is used."""
    trouble = _TROUBLE.setdefault(page, [])
    page.on("console", lambda msg: _console(trouble, msg))
    page.on("pageerror", lambda exc: trouble.append(f"erreur JavaScript : {exc}"))
    page.on("requestfailed", lambda req: _failed(trouble, req))
    page.on("response", lambda resp: _broken(trouble, resp))


def _console(trouble: list[str], message) -> None:
    # "Failed to load resource" repeats a status the response listener already judges (and a
    # revoked badge's page is rightly a 410); CSP refusals and script errors are kept.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        trouble.append(f"console : {message.text}")


def _failed(trouble: list[str], request) -> None:
    # A download ends its navigation with ERR_ABORTED: that is the browser saving a file, not a fault.
    if request.failure == "net::ERR_ABORTED" and request.is_navigation_request():
        return
    trouble.append(f"requête échouée : {request.url} ({request.failure})")


def _broken(trouble: list[str], response) -> None:
    # A page answering 4xx is the journey's business; a stylesheet, image or script must never fail.
    if response.status >= 400 and response.request.resource_type != "document":
        trouble.append(f"ressource en erreur : {response.url} ({response.status})")


def browser_trouble(page) -> list[str]:
    """What went wrong in the browser on this page since the last check, then forget it."""
    trouble = _TROUBLE.get(page, [])
    found, trouble[:] = list(trouble), []
    return found


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (WCAG 1.4.10: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def check_page(page, name: str) -> None:
    """Screenshot the page, then fail on an empty title, a serious or critical axe-core violation,
    sideways scrolling, a CSP refusal, a script error or a broken asset."""
    screenshot(page, name)
    # WCAG 2.4.2: a title that says which page this is, not only the site's name.
    title = page.title()
    assert title.removesuffix("Palier").strip(" ·-—"), f"{name} : titre de page vide ({title!r}, {page.url})"
    violations = axe_violations(page, name)
    assert not violations, f"Accessibilité ({name}, {page.url}) :\n{describe(violations)}"
    wider = overflow(page)
    assert wider <= 0, f"{name} : la page déborde de {wider} px en largeur ({page.url})"
    trouble = browser_trouble(page)
    assert not trouble, f"{name} : le navigateur signale des problèmes :\n" + "\n".join(trouble)
