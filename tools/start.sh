#!/usr/bin/env bash
# Creates the Python environment (first run only) and starts the dashboard on the
# demo district. Extra arguments go to the app: bash tools/start.sh --data PATH
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
args=()
[ $# -gt 0 ] && args=(-- "$@")
exec .venv/bin/streamlit run app.py "${args[@]}"
