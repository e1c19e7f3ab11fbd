"""The rules that keep the code where a newcomer expects it: a pure core, a thin shell laid out by feature."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ISSUER = ROOT / "issuer"
FORBIDDEN_IN_CORE = {
    "flask",
    "flask_login",
    "flask_wtf",
    "flask_babel",
    "flask_limiter",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "wtforms",
    "weasyprint",
    "jinja2",
    "requests",
    "httpx",
    "urllib.request",
    "http.client",
    "socket",
    "issuer",
}
WEB_LIBRARIES = {"flask", "flask_login", "flask_wtf", "flask_babel", "flask_limiter", "werkzeug", "wtforms"}
FEATURES = sorted(
    p.parent.name
    for p in ISSUER.glob("*/__init__.py")
    if p.parent.name not in {"web", "cli", "models", "migrations"}
)
# The modules of a feature that face the web or the terminal; everything else in it is a service.
WEB_FACING = {"views", "forms", "page", "api", "cli"}
# The shell's plumbing that needs Flask itself: the factory, configuration, database session, runtime.
PLUMBING = {"issuer/__init__.py", "issuer/config.py", "issuer/db.py", "issuer/runtime.py"}


def _modules(folder: Path):
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to their absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def _uses(name: str, libraries: set[str]) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in libraries)


def _is_service(path: Path) -> bool:
    """A module of the shell that must import no web library: services, models, errors, helpers."""
    rel = _rel(path)
    if rel in PLUMBING or rel.startswith(("issuer/web/", "issuer/cli/")):
        return False
    parts = path.relative_to(ISSUER).parts
    return not (len(parts) == 2 and parts[0] in FEATURES and path.stem in WEB_FACING)


@pytest.mark.parametrize(("package", "peer"), [("skilltree", "badges"), ("badges", "skilltree")])
def test_core_package_imports_no_web_database_pdf_network_or_peer(package, peer):
    offenders = {
        f"{_rel(p)}: {n}"
        for p in _modules(ROOT / package)
        for n in _imports(p)
        if _uses(n, FORBIDDEN_IN_CORE | {peer})
    }
    assert not offenders, "the core must stay pure"


def test_errors_import_nothing_of_the_web():
    assert not {n for n in _imports(ISSUER / "errors.py") if _uses(n, WEB_LIBRARIES)}


def test_services_models_and_helpers_import_no_flask_werkzeug_or_wtforms():
    offenders = {
        f"{_rel(p)}: {n}"
        for p in _modules(ISSUER)
        if _is_service(p)
        for n in _imports(p)
        if _uses(n, WEB_LIBRARIES)
    }
    assert not offenders


def test_services_never_reach_up_into_the_web_layer():
    web = {"issuer.web", "issuer.cli"} | {f"issuer.{f}.{m}" for f in FEATURES for m in WEB_FACING}
    offenders = {
        f"{_rel(p)}: {n}" for p in _modules(ISSUER) if _is_service(p) for n in _imports(p) if _uses(n, web)
    }
    assert not offenders


def test_no_feature_imports_another_features_views():
    offenders = set()
    for feature in FEATURES:
        others = {f"issuer.{f}.views" for f in FEATURES if f != feature}
        for path in _modules(ISSUER / feature):
            offenders |= {f"{_rel(path)}: {n}" for n in _imports(path) if _uses(n, others)}
    assert not offenders


def test_every_feature_has_its_views_and_registers_blueprints():
    assert {
        "accounts",
        "learners",
        "awarding",
        "game_sessions",
        "admin",
        "hosted",
        "verification",
        "portfolio",
        "cahier",
    } <= set(FEATURES)
    for feature in FEATURES:
        views = ISSUER / feature / "views.py"
        assert feature == "maintenance" or "BLUEPRINTS" in views.read_text(), feature


def test_features_render_the_templates_of_their_own_folder():
    rendered = re.compile(r"""(?:render_template|get_template)\(\s*["']([\w/.-]+)["']""")
    offenders = set()
    for feature in FEATURES:
        for path in _modules(ISSUER / feature):
            for name in rendered.findall(path.read_text(encoding="utf-8")):
                if name.split("/")[0] != feature:
                    offenders.add(f"{_rel(path)}: {name}")
                elif not (ROOT / "templates" / name).is_file():
                    offenders.add(f"{_rel(path)}: {name} (missing)")
    assert not offenders


def test_only_the_submit_helper_the_cli_wrapper_and_login_commit():
    committing = {_rel(p) for p in _modules(ISSUER) if ".commit(" in p.read_text(encoding="utf-8")}
    assert committing <= {"issuer/web/submit.py", "issuer/cli/command.py", "issuer/accounts/views.py"}


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("weasyprint", {"issuer/cahier/pdf.py"}),
        ("argon2", {"issuer/passwords.py"}),
        ("segno", {"issuer/qr.py"}),
        ("smtplib", {"issuer/mail.py"}),
        ("aiosmtpd", set()),
        ("markdown_it", {"issuer/markdown.py"}),
        ("PIL", {"issuer/imaging.py"}),
        ("cachetools", {"issuer/caching.py"}),
        ("babel", {"issuer/dates.py"}),
        ("flask_login", {"issuer/web/auth.py"}),
        ("flask_babel", {"issuer/web/i18n.py"}),
        ("flask_limiter", {"issuer/web/security.py"}),
        ("flask_wtf", {"issuer/web/forms.py", "issuer/web/security.py"}),
    ],
)
def test_each_library_is_imported_in_one_place(library, allowed):
    users = {_rel(p) for p in _modules(ISSUER) if any(_uses(n, {library}) for n in _imports(p))}
    assert users <= allowed, users


def test_no_test_imports_another_test_module_or_a_conftest():
    offenders = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for name in _imports(path):
            leaf = name.split(".")[-1]
            if leaf == "conftest" or (leaf.startswith("test_") and name.split(".")[0] != "issuer"):
                offenders.add(f"{_rel(path)}: {name}")
    assert not offenders


def test_no_module_of_the_shell_grows_past_400_lines():
    long = {
        _rel(p): n for p in _modules(ISSUER) if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long
