"""What every browser journey does on each page: an axe-core audit and a screenshot."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE.parent.parent / "test-artifacts" / "screenshots"

# WCAG 2.1 A/AA plus axe's best practices; only what axe rates serious or critical fails a test.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")


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


def axe_violations(page) -> list[dict]:
    """The serious or critical violations axe-core finds on the page as it is now."""
    inject_axe(page)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    """A readable list of violations: rule, impact, help and the first offending elements."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page, name: str) -> None:
    """Screenshot the page, then fail if axe-core finds a serious or critical violation on it."""
    screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"Accessibilité ({name}, {page.url}) :\n{describe(violations)}"
