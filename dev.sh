#!/usr/bin/env bash
# Palier's two entry points for a fresh machine (see README "Démarrage rapide").
#   ./dev.sh run    set up a virtual environment, an SQLite instance with demo data, and serve Palier
#   ./dev.sh test   install what the tests need and run the whole test suite (extra args go to pytest)
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=${PALIER_VENV:-.venv}

need_python() {
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Palier a besoin de Python 3.11 ou plus récent (trouvé : $("$PY" --version 2>&1))." >&2
    exit 1
  fi
}

venv() {
  need_python
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  echo "Installation des dépendances de Palier dans $VENV ..."
  local log
  log=$(mktemp)
  # pip's build chatter only matters when something fails: then it is shown whole.
  if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
         "$VENV/bin/python" -m pip install --quiet -e ".$1"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "L'installation a échoué (voir ci-dessus)." >&2
    exit 1
  fi
  rm -f "$log"
}

case "${1:-}" in
  run)
    shift
    venv ""
    export PALIER_BASE_URL=${PALIER_BASE_URL:-http://127.0.0.1:5000}
    "$VENV/bin/palier" init --demo
    port=${PALIER_PORT:-5000}
    echo
    echo "Palier tourne sur ${PALIER_BASE_URL}  (Ctrl+C pour arrêter)"
    exec "$VENV/bin/palier" run --host 127.0.0.1 --port "$port" "$@"
    ;;
  test)
    shift
    venv "[test]"
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
