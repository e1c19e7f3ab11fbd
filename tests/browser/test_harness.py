"""The browser harness itself: it must see what it claims to check, and skip or fail as promised."""

from __future__ import annotations

import browser_checks
import pytest
from browser_checks import (
    axe_violations,
    browser_trouble,
    missing_tools,
    overflow,
    skip_or_fail,
)

from issuer.web.security import CONTENT_SECURITY_POLICY

# Faults a page could have, served under Palier's own CSP from the test server's address.
BROKEN_PAGE = """<!doctype html><html><head><title>t</title></head><body><main>
<h1>Page fautive</h1><img src="/static/nope.png"><input type="text">
<p style="color:#bbb;background:#fff">texte pâle</p>
<div class="wide">x</div><script>window.ran = true</script></main></body></html>"""
WIDE_CSS = ".wide{width:2000px}"


def serve(page, live_server, path: str, body: str, content_type: str = "text/html") -> str:
    """Answer ``path`` on the live server's origin with ``body`` and Palier's CSP."""
    url = live_server.url + path
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            body=body,
            headers={"Content-Type": content_type, "Content-Security-Policy": CONTENT_SECURITY_POLICY},
        ),
    )
    return url


@pytest.mark.browser
def test_axe_finds_violations_under_the_strict_csp(pages, live_server):
    page = pages("phone")
    page.goto(serve(page, live_server, "/__harness/broken", BROKEN_PAGE))
    found = {v["id"] for v in axe_violations(page, "harness-broken")}
    assert {"image-alt", "label"} <= found
    assert not page.evaluate("() => window.ran === true"), "the inline script should have been refused"


@pytest.mark.browser
def test_harness_reports_csp_refusals_missing_assets_and_overflow(pages, live_server):
    page = pages("phone")
    serve(page, live_server, "/__harness/wide.css", WIDE_CSS, "text/css")
    page.goto(
        serve(
            page,
            live_server,
            "/__harness/broken",
            BROKEN_PAGE.replace("<title>", '<link rel="stylesheet" href="/__harness/wide.css"><title>'),
        )
    )
    trouble = "\n".join(browser_trouble(page))
    assert "Content Security Policy" in trouble
    assert "/static/nope.png (404)" in trouble
    assert overflow(page) > 0
    assert browser_trouble(page) == []  # reported once, then forgotten


@pytest.mark.browser
def test_harness_never_lets_a_request_leave_for_another_host(pages, live_server):
    page = pages("desktop")
    url = live_server.url + "/__harness/elsewhere"
    # No CSP on this page, so only the harness's own guard can stop the image.
    page.route(
        url,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body='<!doctype html><title>t</title><img src="http://example.org/x.png">',
        ),
    )
    with page.expect_event("requestfailed") as failed:
        page.goto(url)
    assert failed.value.url == "http://example.org/x.png"
    assert failed.value.failure.startswith("net::ERR_BLOCKED_BY_CLIENT")
    browser_trouble(page)


def test_missing_browser_is_named(monkeypatch):
    monkeypatch.setattr(browser_checks, "CHROMIUM", "/nonexistent/chromium")
    assert "Chromium introuvable" in missing_tools()


@pytest.mark.parametrize(("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_missing_browser_skips_on_a_laptop_and_fails_in_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="Chromium introuvable"):
        skip_or_fail("Chromium introuvable (/nonexistent/chromium)")
