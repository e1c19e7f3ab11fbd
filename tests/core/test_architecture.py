"""The import rules that keep the core pure: no web, database, PDF or network library in it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "werkzeug", "sqlalchemy", "alembic",
    "wtforms", "weasyprint", "jinja2", "requests", "httpx", "urllib.request", "http.client", "socket",
    "issuer",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _forbidden(name: str, extra: set[str]) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN | extra)


@pytest.mark.parametrize(("package", "peer"), [("skilltree", "badges"), ("badges", "skilltree")])
def test_core_package_imports_no_web_database_pdf_network_or_peer(package, peer):
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if _forbidden(name, {peer})
    }
    assert not offenders, "the core must stay pure"


def test_weasyprint_is_imported_by_one_module_only():
    users = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "issuer").rglob("*.py")
        if any(n == "weasyprint" or n.startswith("weasyprint.") for n in _imports(path))
    }
    assert len(users) <= 1, users


def test_argon2_is_imported_by_one_module_only():
    users = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "issuer").rglob("*.py")
        if any(n == "argon2" or n.startswith("argon2.") for n in _imports(path))
    }
    assert users == {"issuer/passwords.py"}
