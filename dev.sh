#!/usr/bin/env bash
# Palier's entry points for a fresh machine (see README "Démarrage rapide").
#   ./dev.sh run    set up a virtual environment, an SQLite instance with demo data, and serve Palier
#   ./dev.sh test   install what the tests need and run the whole test suite (extra args go to pytest)
#   ./dev.sh lint   with the test tools: ruff check, ruff format --check and mypy (what [tool.mypy] names)
#   ./dev.sh lock   recompute the lock files from pyproject.toml, every package at its newest allowed release
#                   (./dev.sh lock --keep: keep the versions already locked, only add or drop what changed)
#
# run, test and lint install exactly what the lock files say, hashes checked: requirements.lock for the
# application, requirements-test.lock for the application plus the test and development tools. A new
# release upstream changes nothing on a fresh machine until someone runs ./dev.sh lock and commits.
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=${PALIER_VENV:-.venv}
APP_LOCK=requirements.lock
TEST_LOCK=requirements-test.lock
# The lock tool, at a pinned version, in a virtual environment of its own (never in $VENV).
UV_VERSION=0.13.9
LOCK_VENV=.venv-lock

need_python() {
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Palier a besoin de Python 3.11 ou plus récent (trouvé : $("$PY" --version 2>&1))." >&2
    exit 1
  fi
}

# Runs a command with its output kept aside: pip's chatter only matters when something fails,
# and then it is shown whole.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "L'installation a échoué (voir ci-dessus)." >&2
    exit 1
  fi
  rm -f "$log"
}

fingerprint() {  # of the files that decide what gets installed
  "$VENV/bin/python" -c 'import hashlib, sys
digest = hashlib.sha256()
for name in sys.argv[1:]:
    with open(name, "rb") as handle:
        digest.update(hashlib.sha256(handle.read()).digest())
print(digest.hexdigest())' "$@"
}

# Installs the packages of lock file $1 (hashes required), then Palier itself without its dependencies
# and without build isolation: setuptools and wheel come from the lock too, so nothing unlocked is fetched.
venv() {
  local lock=$1
  need_python
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.palier-installed-$lock" want
  want=$(fingerprint "$lock" pyproject.toml)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return  # this venv already holds exactly this lock and this pyproject.toml
  fi
  echo "Installation des dépendances de Palier ($lock) dans $VENV ..."
  quietly "$VENV/bin/python" -m pip install --require-hashes -r "$lock"
  quietly "$VENV/bin/python" -m pip install --no-deps --no-build-isolation -e .
  # A dependency added to pyproject.toml but not to the lock would be missing here: say so plainly.
  if ! "$VENV/bin/python" -m pip check >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip check >&2 || true
    echo "Les fichiers de verrouillage ne correspondent plus à pyproject.toml : lancez ./dev.sh lock --keep." >&2
    exit 1
  fi
  echo "$want" >"$stamp"
}

lock() {
  local upgrade=--upgrade
  if [ "${1:-}" = "--keep" ]; then
    upgrade=
  elif [ -n "${1:-}" ]; then
    echo "usage: ./dev.sh lock [--keep]" >&2
    exit 2
  fi
  need_python
  if [ ! -x "$LOCK_VENV/bin/python" ]; then
    "$PY" -m venv "$LOCK_VENV"
  fi
  if [ "$("$LOCK_VENV/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "Installation de uv $UV_VERSION dans $LOCK_VENV ..."
    quietly "$LOCK_VENV/bin/python" -m pip install "uv==$UV_VERSION"
  fi
  # Valid on every platform for Python 3.11 and newer (markers where they differ). pip and the build
  # requirements of pyproject.toml are locked too, so that installing from the lock fetches nothing else.
  local common=(--generate-hashes --universal --python-version 3.11 --custom-compile-command "./dev.sh lock" --quiet)
  extras() {
    echo "pip"
    "$LOCK_VENV/bin/python" -c 'import tomllib
with open("pyproject.toml", "rb") as handle:
    print("\n".join(tomllib.load(handle)["build-system"]["requires"]))'
  }
  # The test lock first (the application with every extra: test tools, PostgreSQL driver), then the
  # application's lock (with its PostgreSQL driver, for production) held to the same versions: what
  # ./dev.sh run installs is what ./dev.sh test tested.
  extras | "$LOCK_VENV/bin/uv" pip compile pyproject.toml - --all-extras $upgrade "${common[@]}" -o "$TEST_LOCK"
  extras | "$LOCK_VENV/bin/uv" pip compile pyproject.toml - --extra postgres -c "$TEST_LOCK" $upgrade "${common[@]}" \
    -o "$APP_LOCK"
  echo "$APP_LOCK et $TEST_LOCK sont à jour : lancez ./dev.sh test, puis committez-les."
}

case "${1:-}" in
  run)
    shift
    venv "$APP_LOCK"
    port=${PALIER_PORT:-5000}
    # PALIER_PORT alone moves the server and its printed address; PALIER_BASE_URL, when set, names the
    # public address badges are minted from (behind a proxy it differs from the local port).
    export PALIER_BASE_URL=${PALIER_BASE_URL:-http://127.0.0.1:$port}
    "$VENV/bin/palier" init --demo
    echo
    echo "Palier tourne sur ${PALIER_BASE_URL}  (Ctrl+C pour arrêter)"
    exec "$VENV/bin/palier" run --host 127.0.0.1 --port "$port" "$@"
    ;;
  test)
    shift
    venv "$TEST_LOCK"
    # One worker per CPU, each test file kept on one worker (its module fixtures start once);
    # a later -n given by hand wins (-n 0 runs everything in this process).
    exec "$VENV/bin/python" -m pytest -n auto --dist loadfile "$@"
    ;;
  lint)
    shift
    if [ $# -gt 0 ]; then
      echo "usage: ./dev.sh lint" >&2
      exit 2
    fi
    venv "$TEST_LOCK"
    # Every check runs, so that one pass lists every problem; the files checked are set in pyproject.toml.
    failed=
    "$VENV/bin/ruff" check . || failed="$failed, ruff check"
    "$VENV/bin/ruff" format --check . || failed="$failed, ruff format --check"
    "$VENV/bin/mypy" || failed="$failed, mypy"
    if [ -n "$failed" ]; then
      echo >&2
      echo "La vérification du code a échoué (${failed#, }) : voir ci-dessus." >&2
      echo "$VENV/bin/ruff format . remet le code en forme ; $VENV/bin/ruff check --fix . corrige ce qui peut l'être." >&2
      exit 1
    fi
    echo "Code vérifié : ruff et mypy n'ont rien à redire."
    ;;
  lock)
    shift
    lock "$@"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args] | ./dev.sh lint | ./dev.sh lock [--keep]" >&2
    exit 2
    ;;
esac
