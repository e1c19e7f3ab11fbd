"""Run 1EdTech's official Open Badges 2.0 validator (PyPI openbadges 1.1.2) offline, from tests.

Two roles in one stdlib-only file:

* imported by the tests: ``ensure_validator()`` builds (once) the validator's own virtual
  environment at ``<repo>/.venv-obv`` and returns its Python; ``run_validator(target, recipient)``
  checks an assertion URL, a compact JWS or a baked image file and returns the validator's report
  (``{"valid": bool, "errorCount": int, "messages": [{"name": TASK, "success": bool, ...}], ...}``);
  ``failed_tasks(report)`` lists the names of the checks that failed;
* run by that environment's Python as a script: it applies the offline workarounds, calls
  ``openbadges.verify`` and prints the result as JSON.

The validator is 2017-era code, so it never shares the project's environment. Offline means: the
Open Badges JSON-LD context is answered from the copy inside the validator package, and any HTTP
request to a host other than the loopback is refused, so documents must be served on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

VALIDATOR = "openbadges==1.1.2"

# The validator's own pins, except where marked: those originals do not import on Python >= 3.10.
REQUIREMENTS = (
    "aniso8601==10.0.1",
    "Click==6.7",
    "future==1.0.0",  # override of 0.16.0, which imports the removed `imp` module
    "jsonschema==2.6.0",
    "language-tags==0.4.3",
    "openbadges-bakery==1.2.4",  # 2.x needs an rfc3986 that conflicts with the 0.4.1 pin
    "pycryptodome==3.23.0",  # override of 3.6.6, whose sdist installs Python 2 sources
    "pydux==0.2.2",
    "PyLD==0.7.1",  # the validator's document loader has the 0.7 one-argument signature
    "python-jose==3.1.0",  # override of 3.0.1 (collections.Mapping); keep below 3.3
    "python-mimeparse==2.0.0",  # override of 1.6.0, which imports the removed `cgi` module
    "pytz==2025.2",  # override of 2017.2 (collections.Mapping)
    "requests==2.32.5",
    "requests-cache==0.4.13",  # 1.x lacks remove_expired_responses, used by the loader
    "rfc3986==0.4.1",
    "six==1.17.0",  # imported by openbadges but not declared
    "validators==0.11.2",
)

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-obv"
TIMEOUT = 300  # seconds for one validation: it fetches every document from the local server
_READY: dict[Path, Path] = {}  # environments already checked by this process
_STAMP = hashlib.sha256("\n".join((VALIDATOR, *REQUIREMENTS)).encode()).hexdigest()[:16]


class ValidatorError(RuntimeError):
    """The validator could not be installed or did not produce a report."""


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _imports(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run(
        [str(python), "-c", "import openbadges, jose, pyld, openbadges_bakery"],
        capture_output=True,
        timeout=120,
    )
    return probe.returncode == 0


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise ValidatorError(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def ensure_validator(venv: Path = VENV) -> Path:
    """Build the validator's virtual environment unless it already imports; return its Python."""
    if venv in _READY:
        return _READY[venv]
    python = _python(venv)
    stamp = venv / "palier-obv.stamp"
    if stamp.exists() and stamp.read_text().strip() == _STAMP and _imports(python):
        _READY[venv] = python
        return python
    import fcntl  # POSIX only, like the rest of the project's tooling

    venv.mkdir(parents=True, exist_ok=True)  # the lock lives inside, so nothing leaks into git
    with open(venv / "palier-obv.lock", "w") as lock:
        # Two test processes may ask at once; the second waits and then finds it built.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text().strip() == _STAMP and _imports(python):
            _READY[venv] = python
            return python
        if not python.exists():
            _run([sys.executable, "-m", "venv", str(venv)], "creating .venv-obv")
        requirements = venv / "requirements-obv.txt"
        requirements.write_text("\n".join(REQUIREMENTS) + "\n")
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        _run([*pip, "-r", str(requirements)], "installing the validator's dependencies")
        # --no-deps: its declared pins are the ones that no longer install (see REQUIREMENTS).
        _run([*pip, "--no-deps", VALIDATOR], f"installing {VALIDATOR}")
        if not _imports(python):
            raise ValidatorError("the validator was installed but does not import")
        stamp.write_text(_STAMP + "\n")
    _READY[venv] = python
    return python


def run_validator(target: str | Path, recipient: str | None = None, *, full: bool = False) -> dict:
    """Validate an assertion URL, a compact JWS, or (given a Path) a baked PNG/SVG file.

    Returns the validator's report dict; with ``full=True`` the whole result
    (``{"report", "graph", "input"}``). ``recipient`` is an email the badge should belong to.
    """
    python = ensure_validator()
    command = [str(python), str(Path(__file__).resolve())]
    command += ["--file", str(Path(target).resolve())] if isinstance(target, Path) else [target]
    if recipient is not None:
        command += ["--recipient", recipient]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    try:
        result = json.loads(done.stdout)
    except ValueError as exc:
        raise ValidatorError(
            f"no report (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        ) from exc
    return result if full else result["report"]


def failed_tasks(report: dict) -> set[str]:
    """Names of the validator checks that failed in a report (e.g. {"VERIFY_JWS"})."""
    return {m.get("name") for m in report.get("messages", []) if not m.get("success", True)}


# ---------------------------------------------------------------------------------------------
# Below: the script side, run by the validator's Python (openbadges importable, not Palier).


def _serve_context_offline() -> None:
    """Answer the Open Badges context URLs from the validator's bundled copy, never the network."""
    from openbadges.verifier import utils
    from openbadges.verifier.openbadges_context import (
        OPENBADGES_CONTEXT_V2_DICT,
        OPENBADGES_CONTEXT_V2_URI,
    )

    text = json.dumps(OPENBADGES_CONTEXT_V2_DICT)
    known = {
        OPENBADGES_CONTEXT_V2_URI,
        OPENBADGES_CONTEXT_V2_URI + "/",
        "https://openbadgespec.org/v2/context.json",
    }
    loader = utils.CachableDocumentLoader
    fetch = loader.__call__

    def load(self, url):
        if url in known:
            self.contexts.update([url])
            return {"contextUrl": None, "documentUrl": url, "document": text}
        return fetch(self, url)

    loader.__call__ = load


def _loopback_only() -> None:
    """Refuse every HTTP request that would leave this machine."""
    from urllib.parse import urlsplit

    import requests.adapters

    send = requests.adapters.HTTPAdapter.send

    def guarded(self, request, *args, **kwargs):
        host = urlsplit(request.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise requests.ConnectionError(f"offline validator: refusing {request.url}")
        return send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = guarded


def _jose_takes_pem() -> None:
    """python-jose's cryptography backend cannot take a pycryptodome key object; hand it the PEM."""
    from jose import backends

    rsa_key = getattr(backends, "RSAKey", None)
    if rsa_key is not None and rsa_key.__module__.endswith("pycrypto_backend"):
        return  # the backend the validator was written for: nothing to do
    from openbadges.verifier.tasks import crypto

    class PemAsIs:
        @staticmethod
        def import_key(pem):
            return pem

    crypto.RSA = PemAsIs


def main(argv: list[str]) -> int:
    """Script entry point: validate one input and print the JSON result; 0 if valid."""
    import logging

    args, recipient, path = list(argv), None, None
    if "--recipient" in args:
        at = args.index("--recipient")
        recipient = {"email": args[at + 1]}
        del args[at : at + 2]
    if "--file" in args:
        at = args.index("--file")
        path = args[at + 1]
        del args[at : at + 2]
    if path is None and len(args) != 1:
        print("usage: obv.py (INPUT | --file PATH) [--recipient EMAIL]", file=sys.stderr)
        return 2
    _serve_context_offline()
    _loopback_only()
    _jose_takes_pem()
    from openbadges import verify

    # After the import: its logger module sets DEBUG and a console handler when first loaded.
    logging.getLogger("openbadges.verifier").setLevel(logging.CRITICAL)
    try:
        if path is not None:
            with open(path, "rb") as handle:
                result = verify(handle, recipient_profile=recipient)
        else:
            result = verify(args[0], recipient_profile=recipient)
    except Exception as exc:  # e.g. an image with nothing baked: verify() raises, we report
        message = {
            "name": "VALIDATOR_EXCEPTION",
            "success": False,
            "messageLevel": "ERROR",
            "result": f"{type(exc).__name__}: {exc}",
        }
        result = {"report": {"valid": False, "errorCount": 1, "warningCount": 0, "messages": [message]}}
    print(json.dumps(result, default=str))
    return 0 if result["report"]["valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
